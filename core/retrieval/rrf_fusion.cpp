#include "retrieval/rrf_fusion.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace ac::retrieval {

namespace {

int bestRank(const Scores& s)
{
    return std::min(s.vectorRank.value_or(std::numeric_limits<int>::max()),
                    s.lexicalRank.value_or(std::numeric_limits<int>::max()));
}

} // namespace

std::vector<RetrievedChunk> fuseReciprocalRank(std::vector<RetrievedChunk> vectorHits,
                                               std::vector<RetrievedChunk> lexicalHits,
                                               const FusionSettings& settings)
{
    std::vector<RetrievedChunk> fused;
    fused.reserve(vectorHits.size() + lexicalHits.size());
    std::unordered_map<qint64, size_t> byId;

    for (size_t i = 0; i < vectorHits.size(); ++i) {
        RetrievedChunk chunk = std::move(vectorHits[i]);
        chunk.scores.vectorRank = static_cast<int>(i) + 1;
        chunk.scores.fused = settings.vectorWeight / (settings.rrfK + static_cast<double>(i + 1));
        if (byId.emplace(chunk.chunkId, fused.size()).second)
            fused.push_back(std::move(chunk));
    }
    for (size_t i = 0; i < lexicalHits.size(); ++i) {
        RetrievedChunk& hit = lexicalHits[i];
        const int rank = static_cast<int>(i) + 1;
        const double contribution = settings.lexicalWeight / (settings.rrfK + static_cast<double>(rank));
        auto found = byId.find(hit.chunkId);
        if (found == byId.end()) {
            hit.scores.lexicalRank = rank;
            hit.scores.fused = contribution;
            byId.emplace(hit.chunkId, fused.size());
            fused.push_back(std::move(hit));
            continue;
        }
        Scores& scores = fused[found->second].scores;
        if (scores.lexicalRank)
            continue;  // duplicate inside one leg: first occurrence wins
        scores.lexicalRank = rank;
        scores.lexicalScore = hit.scores.lexicalScore;
        scores.fused += contribution;
    }

    std::stable_sort(fused.begin(), fused.end(), [](const RetrievedChunk& a, const RetrievedChunk& b) {
        if (a.scores.fused != b.scores.fused)
            return a.scores.fused > b.scores.fused;
        if (bestRank(a.scores) != bestRank(b.scores))
            return bestRank(a.scores) < bestRank(b.scores);
        return a.chunkId < b.chunkId;
    });
    for (size_t i = 0; i < fused.size(); ++i)
        fused[i].rank = static_cast<int>(i) + 1;
    return fused;
}

} // namespace ac::retrieval
