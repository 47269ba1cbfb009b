#include "eval/run_report.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QStringList>
#include <QTextStream>

namespace ac::eval {
namespace {

QString fixed(double value, int decimals = 4)
{
    return QString::number(value, 'f', decimals);
}

QString signedFixed(double value, int decimals = 4)
{
    return (value >= 0 ? QStringLiteral("+") : QString()) + QString::number(value, 'f', decimals);
}

void flatten(const QJsonValue& value, const QString& prefix, QMap<QString, QString>& out)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(it.value(), prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key(), out);
    } else if (value.isArray()) {
        out.insert(prefix, QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)));
    } else if (value.isDouble()) {
        out.insert(prefix, QString::number(value.toDouble(), 'g', 10));
    } else if (value.isBool()) {
        out.insert(prefix, value.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
    } else {
        out.insert(prefix, value.toString());
    }
}

QStringList metricNames(const EvalRun& run)
{
    QStringList names;
    for (const ModeResult& r : run.results)
        for (const auto& [name, value] : r.metrics)
            if (!names.contains(name))
                names.push_back(name);
    return names;
}

} // namespace

QString formatRun(const EvalRun& run)
{
    QString text;
    QTextStream out(&text);
    out << "run " << run.id << "  dataset " << run.datasetName << " (" << run.documents << " documents, " << run.queries
        << " queries, " << run.chunks << " chunks, sha256 " << run.datasetHash.left(12) << ")\n";
    const QStringList names = metricNames(run);
    out << QStringLiteral("mode").leftJustified(15);
    for (const QString& name : names)
        out << name.rightJustified(qMax(9, int(name.size()) + 1));
    out << "   p50 ms   p95 ms   p99 ms\n";
    for (const ModeResult& r : run.results) {
        out << r.mode.leftJustified(15);
        for (const QString& name : names) {
            const double value = metricValue(r.metrics, name);
            out << (value < 0 ? QStringLiteral("-") : fixed(value)).rightJustified(qMax(9, int(name.size()) + 1));
        }
        out << fixed(r.latency.p50Ms, 2).rightJustified(9) << fixed(r.latency.p95Ms, 2).rightJustified(9)
            << fixed(r.latency.p99Ms, 2).rightJustified(9) << '\n';
    }
    return text;
}

QString formatComparison(const EvalRun& a, const EvalRun& b)
{
    QString text;
    QTextStream out(&text);
    out << "A: " << a.id << "  (" << a.datasetName << ", " << a.startedAt.toUTC().toString(Qt::ISODate) << ")\n";
    out << "B: " << b.id << "  (" << b.datasetName << ", " << b.startedAt.toUTC().toString(Qt::ISODate) << ")\n";
    if (a.datasetHash != b.datasetHash)
        out << "warning: the runs used different data (sha256 " << a.datasetHash.left(12) << " vs "
            << b.datasetHash.left(12) << "); metric differences mix data and configuration\n";

    QMap<QString, QString> configA, configB;
    flatten(a.config, QString(), configA);
    flatten(b.config, QString(), configB);
    QStringList keys = configA.keys();
    for (const QString& key : configB.keys())
        if (!configA.contains(key))
            keys.push_back(key);
    keys.sort();
    out << "\nconfiguration differences:\n";
    int differences = 0;
    for (const QString& key : keys) {
        const QString valueA = configA.value(key, QStringLiteral("(unset)"));
        const QString valueB = configB.value(key, QStringLiteral("(unset)"));
        if (valueA == valueB || key.startsWith(QLatin1String("host.")))
            continue;
        out << "  " << key << ": " << valueA << " -> " << valueB << '\n';
        ++differences;
    }
    if (differences == 0)
        out << "  (none)\n";

    out << "\n" << QStringLiteral("mode").leftJustified(15) << QStringLiteral("metric").leftJustified(22)
        << QStringLiteral("A").rightJustified(10) << QStringLiteral("B").rightJustified(10)
        << QStringLiteral("B-A").rightJustified(10) << '\n';
    for (const ModeResult& ra : a.results) {
        const ModeResult* rb = b.result(ra.mode);
        if (!rb) {
            out << ra.mode.leftJustified(15) << "(only in A)\n";
            continue;
        }
        for (const auto& [name, valueA] : ra.metrics) {
            const double valueB = metricValue(rb->metrics, name);
            if (valueB < 0)
                continue;
            out << ra.mode.leftJustified(15) << name.leftJustified(22) << fixed(valueA).rightJustified(10)
                << fixed(valueB).rightJustified(10) << signedFixed(valueB - valueA).rightJustified(10) << '\n';
        }
        const std::pair<const char*, std::pair<double, double>> latencies[] = {
            {"p50_ms", {ra.latency.p50Ms, rb->latency.p50Ms}},
            {"p95_ms", {ra.latency.p95Ms, rb->latency.p95Ms}},
            {"p99_ms", {ra.latency.p99Ms, rb->latency.p99Ms}}};
        for (const auto& [name, values] : latencies)
            out << ra.mode.leftJustified(15) << QString::fromLatin1(name).leftJustified(22)
                << fixed(values.first, 2).rightJustified(10) << fixed(values.second, 2).rightJustified(10)
                << signedFixed(values.second - values.first, 2).rightJustified(10) << '\n';
    }
    for (const ModeResult& rb : b.results)
        if (!a.result(rb.mode))
            out << rb.mode.leftJustified(15) << "(only in B)\n";
    return text;
}

} // namespace ac::eval
