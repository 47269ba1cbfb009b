#include "eval/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ac::eval {

double nearestRankPercentile(const std::vector<double>& sortedSamples, double percentile)
{
    if (sortedSamples.empty())
        return 0.0;
    const double rank = std::ceil(percentile / 100.0 * double(sortedSamples.size()));
    const size_t index = size_t(std::clamp(rank, 1.0, double(sortedSamples.size()))) - 1;
    return sortedSamples[index];
}

LatencySummary LatencySummary::of(std::vector<double> samplesMs)
{
    LatencySummary summary;
    if (samplesMs.empty())
        return summary;
    std::sort(samplesMs.begin(), samplesMs.end());
    summary.count = int(samplesMs.size());
    summary.meanMs = std::accumulate(samplesMs.begin(), samplesMs.end(), 0.0) / double(samplesMs.size());
    summary.p50Ms = nearestRankPercentile(samplesMs, 50);
    summary.p95Ms = nearestRankPercentile(samplesMs, 95);
    summary.p99Ms = nearestRankPercentile(samplesMs, 99);
    summary.maxMs = samplesMs.back();
    return summary;
}

QJsonObject LatencySummary::toJson() const
{
    return {{QStringLiteral("count"), count},   {QStringLiteral("mean_ms"), meanMs}, {QStringLiteral("p50_ms"), p50Ms},
            {QStringLiteral("p95_ms"), p95Ms},  {QStringLiteral("p99_ms"), p99Ms},   {QStringLiteral("max_ms"), maxMs}};
}

LatencySummary LatencySummary::fromJson(const QJsonObject& json)
{
    LatencySummary summary;
    summary.count = json.value(QStringLiteral("count")).toInt();
    summary.meanMs = json.value(QStringLiteral("mean_ms")).toDouble();
    summary.p50Ms = json.value(QStringLiteral("p50_ms")).toDouble();
    summary.p95Ms = json.value(QStringLiteral("p95_ms")).toDouble();
    summary.p99Ms = json.value(QStringLiteral("p99_ms")).toDouble();
    summary.maxMs = json.value(QStringLiteral("max_ms")).toDouble();
    return summary;
}

} // namespace ac::eval
