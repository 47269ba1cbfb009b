#include "retrieval/fusion.h"

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

// One leg's contribution per rank (0-based), by the fusion method.
std::vector<double> contributions(const std::vector<double>& scores, double weight, const FusionSettings& settings)
{
    std::vector<double> out(scores.size());
    if (settings.method == FusionMethod::Rrf) {
        for (size_t i = 0; i < scores.size(); ++i)
            out[i] = weight / (settings.rrfK + static_cast<double>(i + 1));
        return out;
    }
    if (scores.empty())
        return out;
    const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
    const double range = *hi - *lo;
    for (size_t i = 0; i < scores.size(); ++i)
        out[i] = weight * (range > 0 ? (scores[i] - *lo) / range : 1.0);
    return out;
}

} // namespace

std::vector<RetrievedChunk> fuse(std::vector<RetrievedChunk> vectorHits, std::vector<RetrievedChunk> lexicalHits,
                                 const FusionSettings& settings)
{
    std::vector<double> vectorScores, lexicalScores;
    for (const RetrievedChunk& c : vectorHits)
        vectorScores.push_back(c.scores.vectorSimilarity.value_or(0.0));
    for (const RetrievedChunk& c : lexicalHits)
        lexicalScores.push_back(c.scores.lexicalScore.value_or(0.0));
    const std::vector<double> fromVector = contributions(vectorScores, settings.vectorWeight, settings);
    const std::vector<double> fromLexical = contributions(lexicalScores, settings.lexicalWeight, settings);

    std::vector<RetrievedChunk> fused;
    fused.reserve(vectorHits.size() + lexicalHits.size());
    std::unordered_map<qint64, size_t> byId;

    for (size_t i = 0; i < vectorHits.size(); ++i) {
        RetrievedChunk chunk = std::move(vectorHits[i]);
        chunk.scores.vectorRank = static_cast<int>(i) + 1;
        chunk.scores.fused = fromVector[i];
        if (byId.emplace(chunk.chunkId, fused.size()).second)
            fused.push_back(std::move(chunk));
    }
    for (size_t i = 0; i < lexicalHits.size(); ++i) {
        RetrievedChunk& hit = lexicalHits[i];
        const int rank = static_cast<int>(i) + 1;
        auto found = byId.find(hit.chunkId);
        if (found == byId.end()) {
            hit.scores.lexicalRank = rank;
            hit.scores.fused = fromLexical[i];
            byId.emplace(hit.chunkId, fused.size());
            fused.push_back(std::move(hit));
            continue;
        }
        Scores& scores = fused[found->second].scores;
        if (scores.lexicalRank)
            continue;  // duplicate inside one leg: first occurrence wins
        scores.lexicalRank = rank;
        scores.lexicalScore = hit.scores.lexicalScore;
        scores.fused += fromLexical[i];
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
