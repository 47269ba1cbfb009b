#pragma once

#include "retrieval/reranker.h"

namespace ac::retrieval {

struct LexicalRerankWeights {
    double coverage = 0.45;    // share of the query's words found in the chunk
    double phrase = 0.15;      // share of the query's adjacent word pairs found adjacent
    double identifier = 0.30;  // share of the query's identifiers (order numbers, SKUs) found exactly
    double prior = 0.10;       // the first stage's fused score, normalised to the best candidate
    double headingField = 1.0; // a word in the title or heading path counts this much...
    double bodyField = 0.8;    // ...and in the body this much (both: capped at 1)
};

// The default, local reranker: no network, deterministic, explainable feature by feature.
class LexicalReranker : public Reranker {
public:
    explicit LexicalReranker(LexicalRerankWeights weights = {}) : weights_(weights) {}
    QString name() const override { return QStringLiteral("lexical"); }
    std::vector<double> score(const QString& query, const std::vector<RetrievedChunk>& candidates) override;

private:
    LexicalRerankWeights weights_;
};

} // namespace ac::retrieval
