#include "cli_support.h"
#include "command_registry.h"
#include "retrieval/recall_probe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ac::cli {
namespace {

// Per merchant: the probes of the window, their mean and minimum recall, and the mean of each of
// the last `buckets` hours that had probes (oldest first): recall over time.
constexpr const char* kRecallByMerchant = R"sql(
SELECT p.merchant_id, count(*) AS probes, avg(p.recall)::float8 AS mean_recall, min(p.recall)::float8 AS min_recall,
       max(p.probed_at)::text AS last_probe,
       (SELECT string_agg(to_char(h.mean, 'FM0.000'), ' ' ORDER BY h.hour)
        FROM (SELECT date_trunc('hour', q.probed_at) AS hour, avg(q.recall) AS mean
              FROM recall_probes q
              WHERE q.merchant_id = p.merchant_id AND q.probed_at > clock_timestamp() - make_interval(hours => $1)
              GROUP BY 1) h) AS hourly
FROM recall_probes p
WHERE p.probed_at > clock_timestamp() - make_interval(hours => $1) AND ($2::text IS NULL OR p.merchant_id = $2)
GROUP BY p.merchant_id ORDER BY p.merchant_id)sql";

// Merchants whose graphs a large load deferred: searched exactly until the graphs are built.
constexpr const char* kDeferredGraphs =
    "SELECT merchant_id, deferred_at::text FROM graph_deferrals WHERE $1::text IS NULL OR merchant_id = $1 ORDER BY 1";

int runHealth(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOptions({
        {QStringLiteral("merchant"), QStringLiteral("Only this merchant."), QStringLiteral("id")},
        {QStringLiteral("hours"), QStringLiteral("Window of probes to summarise."), QStringLiteral("h"), QStringLiteral("24")},
        {QStringLiteral("threshold"), QStringLiteral("Mean recall below this is drift (percent)."), QStringLiteral("pct"),
         QString::number(qRound(retrieval::kRecallDriftThreshold * 100))},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
    });
    parseOrThrow(parser, args, QStringLiteral(
        "Graph recall per merchant from the recall-drift monitor's probes (sampled real questions, graph top 10 "
        "against exact top 10). Exit status 3 when a merchant drifts below the threshold: rebuild its graphs "
        "(ragctl reindex) or raise ef_search."));
    const int hours = intOption(parser, QStringLiteral("hours"), 1, 24 * 365);
    const double threshold = intOption(parser, QStringLiteral("threshold"), 1, 100) / 100.0;
    const QString merchant = parser.value(QStringLiteral("merchant"));

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const db::PgResult rows = conn.exec(kRecallByMerchant, db::PgParams().add(hours).add(
        merchant.isEmpty() ? std::nullopt : std::optional<QString>(merchant)));

    const db::PgResult deferred = conn.exec(kDeferredGraphs, db::PgParams().add(
        merchant.isEmpty() ? std::nullopt : std::optional<QString>(merchant)));

    bool drifting = false;
    QJsonArray json;
    if (!parser.isSet(QStringLiteral("json")))
        out() << QStringLiteral("%1 %2 %3 %4  %5  %6\n").arg(QStringLiteral("merchant"), -12).arg(QStringLiteral("probes"), 7)
                     .arg(QStringLiteral("recall"), 7).arg(QStringLiteral("min"), 6).arg(QStringLiteral("status"), -7)
                     .arg(QStringLiteral("hourly means, oldest first"));
    for (int r = 0; r < rows.rows(); ++r) {
        const double mean = rows.text(r, "mean_recall").toDouble();
        const bool drift = mean < threshold;
        drifting = drifting || drift;
        const QString status = drift ? QStringLiteral("DRIFT") : QStringLiteral("ok");
        if (parser.isSet(QStringLiteral("json"))) {
            json.append(QJsonObject{{QStringLiteral("merchant"), rows.text(r, "merchant_id")},
                                    {QStringLiteral("probes"), rows.integer(r, "probes")},
                                    {QStringLiteral("mean_recall"), mean},
                                    {QStringLiteral("min_recall"), rows.text(r, "min_recall").toDouble()},
                                    {QStringLiteral("last_probe"), rows.text(r, "last_probe")},
                                    {QStringLiteral("hourly"), rows.text(r, "hourly")},
                                    {QStringLiteral("drift"), drift}});
        } else {
            out() << QStringLiteral("%1 %2 %3 %4  %5  %6\n").arg(rows.text(r, "merchant_id"), -12).arg(rows.integer(r, "probes"), 7)
                         .arg(mean, 7, 'f', 3).arg(rows.text(r, "min_recall").toDouble(), 6, 'f', 3).arg(status, -7)
                         .arg(rows.text(r, "hourly"));
        }
    }
    QJsonArray deferredJson;
    for (int r = 0; r < deferred.rows(); ++r)
        deferredJson.append(QJsonObject{{QStringLiteral("merchant"), deferred.text(r, 0)},
                                        {QStringLiteral("since"), deferred.text(r, 1)}});
    if (parser.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(QJsonObject{{QStringLiteral("hours"), hours}, {QStringLiteral("threshold"), threshold},
                                           {QStringLiteral("merchants"), json},
                                           {QStringLiteral("graphs_deferred"), deferredJson}}).toJson(QJsonDocument::Indented);
    } else {
        if (rows.empty())
            out() << "no recall probes in the last " << hours << " h (the console and ragctl query --probe-recall record them)\n";
        for (int r = 0; r < deferred.rows(); ++r)
            out() << deferred.text(r, 0) << ": graphs deferred by a load since " << deferred.text(r, 1)
                  << "; searched exactly until built. If no load is running: ragctl reindex --merchant "
                  << deferred.text(r, 0) << '\n';
    }
    out().flush();
    return drifting ? 3 : 0;
}

const CommandRegistrar kHealth("health", "graph recall per merchant from the recall-drift monitor", &runHealth);

} // namespace
} // namespace ac::cli
