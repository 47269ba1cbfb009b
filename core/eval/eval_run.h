#pragma once

#include "eval/latency_summary.h"
#include "eval/metrics.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <utility>
#include <vector>

namespace ac::eval {

using MetricValues = std::vector<std::pair<QString, double>>;  // "recall@10" -> 0.93, in display order

// "recall@1", ..., "mrr@10", "ndcg@10", "context_precision@5".
MetricValues metricValues(const QueryScores& mean, const MetricCutoffs& cutoffs);
double metricValue(const MetricValues& values, const QString& name, double fallback = -1.0);

// One retrieval configuration measured over every query of the dataset.
struct ModeResult {
    QString mode;  // "bm25", "vector", "lexical", "hybrid", "hybrid+rerank"
    MetricValues metrics;
    LatencySummary latency;
};

// Everything needed to compare two runs without arguing from memory: what data, what stack,
// what settings, what came out.
struct EvalRun {
    QString id;  // "20261121T101500Z-3fa9c2"
    QDateTime startedAt;
    QString datasetName;
    QString datasetPath;
    QString datasetHash;
    int documents = 0;
    int queries = 0;
    int chunks = 0;
    double loadSeconds = 0;
    // embedding {provider, model, dims, version}, chunker {...}, hnsw {m, ef_construction},
    // search {k, candidates, ef_search, ...}, baseline {k1, b}, host {cpus, cpu_model}, version.
    QJsonObject config;
    std::vector<ModeResult> results;

    const ModeResult* result(const QString& mode) const;
    QJsonObject toJson() const;
    static EvalRun fromJson(const QJsonObject& json);  // throws EvalError when it is not a run
    static QString newId(const QDateTime& startedAt, const QString& datasetHash);
};

} // namespace ac::eval
