#pragma once

#include "retrieval/retrieval_types.h"

#include <stdexcept>
#include <vector>

namespace ac::retrieval {

// Second stage: scores each (query, candidate) pair; higher is better. Returns one score per
// candidate, in the candidates' order.
class Reranker {
public:
    virtual ~Reranker() = default;
    virtual QString name() const = 0;
    virtual std::vector<double> score(const QString& query, const std::vector<RetrievedChunk>& candidates) = 0;
};

// A reranker that could not answer (endpoint down, malformed reply); the message says what to check.
class RerankError : public std::runtime_error {
public:
    explicit RerankError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

// Sets scores.rerank from the reranker and reorders the first `depth` candidates by it (ties keep
// the fused order); the rest keep their fused order behind them. Ranks are renumbered from 1.
void applyRerank(Reranker& reranker, const QString& query, std::vector<RetrievedChunk>& candidates, int depth);

} // namespace ac::retrieval
