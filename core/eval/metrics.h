#pragma once

#include "eval/beir_dataset.h"

#include <QStringList>

#include <vector>

namespace ac::eval {

// Ranking metrics over a list of document ids, best first, as BEIR/pytrec_eval define them.
double recallAtK(const QStringList& ranked, const Judgements& relevant, int k);  // |rel in top k| / |rel|
double mrrAtK(const QStringList& ranked, const Judgements& relevant, int k);     // 1 / rank of first rel
double ndcgAtK(const QStringList& ranked, const Judgements& relevant, int k);    // gain = grade, log2 discount

// Context precision (as RAGAS defines it) of the chunks handed to the model, best first: the mean
// of precision@i over the positions i that hold a relevant chunk; 0 when none is relevant. It
// rewards putting the relevant chunks at the top of the context.
double contextPrecision(const std::vector<bool>& chunkIsRelevant);

// Document ranking from a chunk ranking: each source at the rank of its best chunk.
QStringList firstOccurrences(const QStringList& chunkSources);

// Per-query values for one retrieval configuration, and their means.
struct QueryScores {
    std::vector<double> recall;  // one per cutoff in MetricCutoffs::recall
    double mrr10 = 0;
    double ndcg10 = 0;
    double contextPrecision = 0;
};

struct MetricCutoffs {
    std::vector<int> recall{1, 5, 10, 20};
    int contextK = 5;  // chunks a reply is drafted from (RetrievalOptions::k default)
    int deepest() const;  // documents needed to compute every cutoff
};

QueryScores scoreQuery(const QStringList& chunkSources, const Judgements& relevant, const MetricCutoffs& cutoffs);

class MetricAccumulator {
public:
    explicit MetricAccumulator(MetricCutoffs cutoffs) : cutoffs_(std::move(cutoffs)), recallSums_(cutoffs_.recall.size(), 0.0) {}
    void add(const QueryScores& scores);
    int count() const { return count_; }
    QueryScores mean() const;
    const MetricCutoffs& cutoffs() const { return cutoffs_; }

private:
    MetricCutoffs cutoffs_;
    std::vector<double> recallSums_;
    double mrr_ = 0, ndcg_ = 0, contextPrecision_ = 0;
    int count_ = 0;
};

} // namespace ac::eval
