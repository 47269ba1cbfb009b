#include "retrieval/reranker.h"

#include <algorithm>

namespace ac::retrieval {

void applyRerank(Reranker& reranker, const QString& query, std::vector<RetrievedChunk>& candidates, int depth)
{
    const auto head = static_cast<std::ptrdiff_t>(std::min<size_t>(candidates.size(), static_cast<size_t>(std::max(depth, 0))));
    std::vector<RetrievedChunk> reordered(candidates.begin(), candidates.begin() + head);
    if (!reordered.empty()) {
        const std::vector<double> scores = reranker.score(query, reordered);
        if (scores.size() != reordered.size())
            throw RerankError(QStringLiteral("reranker %1 returned %2 scores for %3 candidates")
                                  .arg(reranker.name()).arg(scores.size()).arg(reordered.size()));
        for (size_t i = 0; i < reordered.size(); ++i)
            reordered[i].scores.rerank = scores[i];
        std::stable_sort(reordered.begin(), reordered.end(), [](const RetrievedChunk& a, const RetrievedChunk& b) {
            return *a.scores.rerank > *b.scores.rerank;
        });
        std::move(reordered.begin(), reordered.end(), candidates.begin());
    }
    for (size_t i = 0; i < candidates.size(); ++i)
        candidates[i].rank = static_cast<int>(i) + 1;
}

} // namespace ac::retrieval
