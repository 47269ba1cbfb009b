#include "eval/metrics.h"

#include <QSet>

#include <algorithm>
#include <cmath>

namespace ac::eval {

double recallAtK(const QStringList& ranked, const Judgements& relevant, int k)
{
    if (relevant.isEmpty())
        return 0.0;
    int hits = 0;
    for (int i = 0; i < std::min<int>(k, ranked.size()); ++i)
        hits += relevant.value(ranked[i]) > 0 ? 1 : 0;
    return double(hits) / double(relevant.size());
}

double mrrAtK(const QStringList& ranked, const Judgements& relevant, int k)
{
    for (int i = 0; i < std::min<int>(k, ranked.size()); ++i)
        if (relevant.value(ranked[i]) > 0)
            return 1.0 / double(i + 1);
    return 0.0;
}

double ndcgAtK(const QStringList& ranked, const Judgements& relevant, int k)
{
    double dcg = 0.0;
    for (int i = 0; i < std::min<int>(k, ranked.size()); ++i)
        dcg += double(relevant.value(ranked[i])) / std::log2(double(i + 2));
    std::vector<int> grades(relevant.cbegin(), relevant.cend());
    std::sort(grades.begin(), grades.end(), std::greater<>());
    double ideal = 0.0;
    for (int i = 0; i < std::min<int>(k, int(grades.size())); ++i)
        ideal += double(grades[i]) / std::log2(double(i + 2));
    return ideal > 0.0 ? dcg / ideal : 0.0;
}

double contextPrecision(const std::vector<bool>& chunkIsRelevant)
{
    double sum = 0.0;
    int hits = 0;
    for (size_t i = 0; i < chunkIsRelevant.size(); ++i) {
        if (!chunkIsRelevant[i])
            continue;
        ++hits;
        sum += double(hits) / double(i + 1);
    }
    return hits > 0 ? sum / hits : 0.0;
}

QStringList firstOccurrences(const QStringList& chunkSources)
{
    QStringList ranked;
    QSet<QString> seen;
    for (const QString& source : chunkSources) {
        if (seen.contains(source))
            continue;
        seen.insert(source);
        ranked.push_back(source);
    }
    return ranked;
}

int MetricCutoffs::deepest() const
{
    int deepest = std::max(10, contextK);
    for (int k : recall)
        deepest = std::max(deepest, k);
    return deepest;
}

QueryScores scoreQuery(const QStringList& chunkSources, const Judgements& relevant, const MetricCutoffs& cutoffs)
{
    const QStringList documents = firstOccurrences(chunkSources);
    QueryScores scores;
    for (int k : cutoffs.recall)
        scores.recall.push_back(recallAtK(documents, relevant, k));
    scores.mrr10 = mrrAtK(documents, relevant, 10);
    scores.ndcg10 = ndcgAtK(documents, relevant, 10);
    std::vector<bool> context;
    for (int i = 0; i < std::min<int>(cutoffs.contextK, chunkSources.size()); ++i)
        context.push_back(relevant.value(chunkSources[i]) > 0);
    scores.contextPrecision = contextPrecision(context);
    return scores;
}

void MetricAccumulator::add(const QueryScores& scores)
{
    for (size_t i = 0; i < recallSums_.size() && i < scores.recall.size(); ++i)
        recallSums_[i] += scores.recall[i];
    mrr_ += scores.mrr10;
    ndcg_ += scores.ndcg10;
    contextPrecision_ += scores.contextPrecision;
    ++count_;
}

QueryScores MetricAccumulator::mean() const
{
    QueryScores mean;
    const double n = count_ > 0 ? double(count_) : 1.0;
    for (double sum : recallSums_)
        mean.recall.push_back(sum / n);
    mean.mrr10 = mrr_ / n;
    mean.ndcg10 = ndcg_ / n;
    mean.contextPrecision = contextPrecision_ / n;
    return mean;
}

} // namespace ac::eval
