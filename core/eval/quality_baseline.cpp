#include "eval/quality_baseline.h"

#include "eval/eval_error.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace ac::eval {

QualityBaseline QualityBaseline::fromRun(const EvalRun& run, double tolerance)
{
    QualityBaseline baseline;
    baseline.datasetHash = run.datasetHash;
    baseline.runId = run.id;
    baseline.tolerance = tolerance;
    for (const ModeResult& result : run.results) {
        if (result.mode == QLatin1String("bm25"))
            continue;  // the in-memory reference, not the product
        for (const QString& metric : gatedMetrics())
            baseline.floors.push_back({result.mode, metric, metricValue(result.metrics, metric, 0.0)});
    }
    return baseline;
}

QJsonObject QualityBaseline::toJson() const
{
    QJsonObject modes;
    for (const Floor& floor : floors) {
        QJsonObject metrics = modes.value(floor.mode).toObject();
        metrics.insert(floor.metric, floor.value);
        modes.insert(floor.mode, metrics);
    }
    return {{QStringLiteral("dataset_hash"), datasetHash},
            {QStringLiteral("run_id"), runId},
            {QStringLiteral("tolerance"), tolerance},
            {QStringLiteral("modes"), modes}};
}

QualityBaseline QualityBaseline::fromJson(const QJsonObject& json)
{
    if (!json.value(QStringLiteral("modes")).isObject())
        throw EvalError(QStringLiteral("not a quality baseline: expected \"modes\""));
    QualityBaseline baseline;
    baseline.datasetHash = json.value(QStringLiteral("dataset_hash")).toString();
    baseline.runId = json.value(QStringLiteral("run_id")).toString();
    baseline.tolerance = json.value(QStringLiteral("tolerance")).toDouble(0.02);
    const QJsonObject modes = json.value(QStringLiteral("modes")).toObject();
    for (auto mode = modes.begin(); mode != modes.end(); ++mode) {
        const QJsonObject metrics = mode.value().toObject();
        for (auto metric = metrics.begin(); metric != metrics.end(); ++metric)
            baseline.floors.push_back({mode.key(), metric.key(), metric.value().toDouble()});
    }
    return baseline;
}

QualityBaseline QualityBaseline::readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw EvalError(QStringLiteral("cannot read baseline %1: %2").arg(path, file.errorString()));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw EvalError(QStringLiteral("%1: not a JSON object (%2)").arg(path, error.errorString()));
    return fromJson(doc.object());
}

void QualityBaseline::writeFile(const QString& path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw EvalError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        throw EvalError(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
}

QStringList QualityBaseline::regressions(const EvalRun& run) const
{
    QStringList failures;
    if (!datasetHash.isEmpty() && run.datasetHash != datasetHash)
        failures << QStringLiteral("the run used different data (sha256 %1) than the baseline (%2): regenerate the baseline "
                                   "together with the dataset change")
                        .arg(run.datasetHash.left(12), datasetHash.left(12));
    for (const Floor& floor : floors) {
        const ModeResult* result = run.result(floor.mode);
        const double value = result ? metricValue(result->metrics, floor.metric) : -1.0;
        if (value < 0) {
            failures << QStringLiteral("%1 %2: not measured by the run").arg(floor.mode, floor.metric);
        } else if (value < floor.value - tolerance) {
            failures << QStringLiteral("%1 %2 = %3, below the baseline %4 - tolerance %5")
                            .arg(floor.mode, floor.metric, QString::number(value, 'f', 4), QString::number(floor.value, 'f', 4),
                                 QString::number(tolerance));
        }
    }
    return failures;
}

} // namespace ac::eval
