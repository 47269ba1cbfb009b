#pragma once

#include "eval/eval_run.h"

#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace ac::eval {

// The committed floor a run must stay above (fixtures/eval/acme/baseline.json): per mode, the
// gated metrics' values when the baseline was written, and how far below them a run may fall.
struct QualityBaseline {
    struct Floor {
        QString mode;
        QString metric;
        double value = 0;
    };
    QString datasetHash;
    QString runId;     // the run it was taken from
    double tolerance = 0.02;
    std::vector<Floor> floors;

    static QStringList gatedMetrics() { return {QStringLiteral("recall@10"), QStringLiteral("ndcg@10")}; }
    static QualityBaseline fromRun(const EvalRun& run, double tolerance);

    QJsonObject toJson() const;
    static QualityBaseline fromJson(const QJsonObject& json);
    static QualityBaseline readFile(const QString& path);  // also ":/fixtures/..." resources
    void writeFile(const QString& path) const;

    // One line per floor the run fell through (empty: the run passes). A mode the run did not
    // measure, or a different dataset, is a failure too: the gate must not pass by not looking.
    QStringList regressions(const EvalRun& run) const;
};

} // namespace ac::eval
