#include "eval/eval_run.h"

#include "eval/eval_error.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <algorithm>

namespace ac::eval {
namespace {

// Display order: recall by cutoff, then the rank metrics, then context precision.
int metricOrder(const QString& name)
{
    const int cutoff = name.section(QLatin1Char('@'), 1).toInt();
    if (name.startsWith(QLatin1String("recall@")))
        return cutoff;
    if (name.startsWith(QLatin1String("mrr@")))
        return 1000 + cutoff;
    if (name.startsWith(QLatin1String("ndcg@")))
        return 2000 + cutoff;
    return 3000 + cutoff;
}

} // namespace

MetricValues metricValues(const QueryScores& mean, const MetricCutoffs& cutoffs)
{
    MetricValues values;
    for (size_t i = 0; i < cutoffs.recall.size() && i < mean.recall.size(); ++i)
        values.emplace_back(QStringLiteral("recall@%1").arg(cutoffs.recall[i]), mean.recall[i]);
    values.emplace_back(QStringLiteral("mrr@10"), mean.mrr10);
    values.emplace_back(QStringLiteral("ndcg@10"), mean.ndcg10);
    values.emplace_back(QStringLiteral("context_precision@%1").arg(cutoffs.contextK), mean.contextPrecision);
    return values;
}

double metricValue(const MetricValues& values, const QString& name, double fallback)
{
    for (const auto& [key, value] : values)
        if (key == name)
            return value;
    return fallback;
}

const ModeResult* EvalRun::result(const QString& mode) const
{
    for (const ModeResult& r : results)
        if (r.mode == mode)
            return &r;
    return nullptr;
}

QJsonObject EvalRun::toJson() const
{
    QJsonArray modes;
    for (const ModeResult& r : results) {
        QJsonObject metrics;
        for (const auto& [name, value] : r.metrics)
            metrics.insert(name, value);
        modes.append(QJsonObject{{QStringLiteral("mode"), r.mode},
                                 {QStringLiteral("metrics"), metrics},
                                 {QStringLiteral("latency"), r.latency.toJson()}});
    }
    return {
        {QStringLiteral("run_id"), id},
        {QStringLiteral("started_at"), startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("dataset"),
         QJsonObject{{QStringLiteral("name"), datasetName}, {QStringLiteral("path"), datasetPath},
                     {QStringLiteral("hash"), datasetHash}, {QStringLiteral("documents"), documents},
                     {QStringLiteral("queries"), queries}}},
        {QStringLiteral("corpus"), QJsonObject{{QStringLiteral("chunks"), chunks}, {QStringLiteral("load_seconds"), loadSeconds}}},
        {QStringLiteral("config"), config},
        {QStringLiteral("results"), modes},
    };
}

EvalRun EvalRun::fromJson(const QJsonObject& json)
{
    if (!json.value(QStringLiteral("run_id")).isString() || !json.value(QStringLiteral("results")).isArray())
        throw EvalError(QStringLiteral("not an eval run: expected \"run_id\" and \"results\""));
    EvalRun run;
    run.id = json.value(QStringLiteral("run_id")).toString();
    run.startedAt = QDateTime::fromString(json.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
    const QJsonObject dataset = json.value(QStringLiteral("dataset")).toObject();
    run.datasetName = dataset.value(QStringLiteral("name")).toString();
    run.datasetPath = dataset.value(QStringLiteral("path")).toString();
    run.datasetHash = dataset.value(QStringLiteral("hash")).toString();
    run.documents = dataset.value(QStringLiteral("documents")).toInt();
    run.queries = dataset.value(QStringLiteral("queries")).toInt();
    const QJsonObject corpus = json.value(QStringLiteral("corpus")).toObject();
    run.chunks = corpus.value(QStringLiteral("chunks")).toInt();
    run.loadSeconds = corpus.value(QStringLiteral("load_seconds")).toDouble();
    run.config = json.value(QStringLiteral("config")).toObject();
    for (const QJsonValue& value : json.value(QStringLiteral("results")).toArray()) {
        const QJsonObject object = value.toObject();
        ModeResult r;
        r.mode = object.value(QStringLiteral("mode")).toString();
        const QJsonObject metrics = object.value(QStringLiteral("metrics")).toObject();
        for (auto it = metrics.begin(); it != metrics.end(); ++it)
            r.metrics.emplace_back(it.key(), it.value().toDouble());
        std::stable_sort(r.metrics.begin(), r.metrics.end(),
                         [](const auto& a, const auto& b) { return metricOrder(a.first) < metricOrder(b.first); });
        r.latency = LatencySummary::fromJson(object.value(QStringLiteral("latency")).toObject());
        run.results.push_back(std::move(r));
    }
    return run;
}

QString EvalRun::newId(const QDateTime& startedAt, const QString& datasetHash)
{
    const QString suffix = QString::number(QRandomGenerator::global()->generate() & 0xffffff, 16).rightJustified(6, QLatin1Char('0'));
    return startedAt.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'-")) + datasetHash.left(6) + QLatin1Char('-') + suffix;
}

} // namespace ac::eval
