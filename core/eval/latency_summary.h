#pragma once

#include <QJsonObject>

#include <vector>

namespace ac::eval {

// Wall-clock latency of the queries of one configuration, in milliseconds. Percentiles are
// nearest-rank, so every reported value is one that was actually measured.
struct LatencySummary {
    int count = 0;
    double meanMs = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;

    static LatencySummary of(std::vector<double> samplesMs);
    QJsonObject toJson() const;
    static LatencySummary fromJson(const QJsonObject& json);
};

double nearestRankPercentile(const std::vector<double>& sortedSamples, double percentile);

} // namespace ac::eval
