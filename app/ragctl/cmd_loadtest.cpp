#include "cli_support.h"
#include "command_registry.h"

#include "latency_plot.h"
#include "load_agents.h"
#include "load_ingest.h"
#include "load_test.h"
#include "retrieval/acl_graphs.h"
#include "retrieval/graph_rebuild.h"
#include "db/embedded_replica.h"

#include <QFile>
#include <QJsonDocument>

#include <unistd.h>

namespace ac::cli {
namespace {

constexpr const char* kMerchantsWithAgents =
    "SELECT DISTINCT merchant_id FROM agents WHERE id NOT LIKE 'loadtest-%' AND merchant_id NOT LIKE 'eval-%' ORDER BY 1";

QStringList merchantsFrom(db::PgConnection& owner, const QString& option)
{
    if (!option.isEmpty())
        return option.split(QLatin1Char(','), Qt::SkipEmptyParts);
    QStringList out;
    const db::PgResult rows = owner.exec(kMerchantsWithAgents);
    for (int r = 0; r < rows.rows(); ++r)
        out << rows.text(r, 0);
    if (out.isEmpty())
        throw UsageError(QStringLiteral("no merchant has agents; seed or load one first"));
    return out;
}

void writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        throw std::runtime_error(QStringLiteral("cannot write %1").arg(path).toStdString());
}

int runLoadtest(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOption({QStringLiteral("clients"), QStringLiteral("Concurrent simulated agents, one connection each (1-500)."), QStringLiteral("n"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("duration"), QStringLiteral("Seconds to run (1-3600)."), QStringLiteral("s"), QStringLiteral("30")});
    parser.addOption({QStringLiteral("merchants"), QStringLiteral("Comma-separated merchants (default: every merchant with agents)."), QStringLiteral("ids")});
    parser.addOption({QStringLiteral("agents-per-merchant"), QStringLiteral("Load agents per merchant, modelled on its real agents in turn (1-100)."), QStringLiteral("n"), QStringLiteral("4")});
    parser.addOption({QStringLiteral("pooler"), QStringLiteral("Embedded default: agents connect through PgBouncer (started if not running).")});
    parser.addOption({QStringLiteral("replica"), QStringLiteral("Embedded default: agents read from the streaming replica (started, and created "
                                                                "on first use); their audit goes to the primary.")});
    parser.addOption({QStringLiteral("agent-db"), QStringLiteral("conninfo where agents log in (e.g. your PgBouncer); default: the database itself."), QStringLiteral("conninfo")});
    parser.addOption({QStringLiteral("k"), QStringLiteral("Results per context pack."), QStringLiteral("k"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("slo-p95-ms"), QStringLiteral("Service level for the context pack's p95."), QStringLiteral("ms"), QStringLiteral("700")});
    parser.addOption({QStringLiteral("slo-p99-ms"), QStringLiteral("Service level for the context pack's p99."), QStringLiteral("ms"), QStringLiteral("1500")});
    parser.addOption({QStringLiteral("reindex"), QStringLiteral("Rebuild this merchant's graphs online a third of the way into the run, "
                                                                "and report the latency during the rebuild."), QStringLiteral("merchant")});
    parser.addOption({QStringLiteral("ingest"), QStringLiteral("Bulk-load this many synthetic documents into --ingest-merchant a third of the "
                                                               "way into the run (removed afterwards), and report the latency meanwhile."),
                      QStringLiteral("documents")});
    parser.addOption({QStringLiteral("ingest-merchant"), QStringLiteral("Merchant that --ingest loads into (default: the first)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("report"), QStringLiteral("Write the report as JSON to this file."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("plot"), QStringLiteral("Write the latency-over-time plot (PNG) to this file."), QStringLiteral("file")});
    parseOrThrow(parser, args, QStringLiteral("Concurrent simulated agents building context packs, with an SLO report. Loopback "
                                              "only: it runs against the database this machine names."));
    if (int(parser.isSet(QStringLiteral("pooler"))) + int(parser.isSet(QStringLiteral("agent-db"))) + int(parser.isSet(QStringLiteral("replica"))) > 1)
        throw UsageError(QStringLiteral("--pooler, --replica and --agent-db each name where agents log in; give one"));

    loadtest::LoadTestOptions options;
    options.clients = intOption(parser, QStringLiteral("clients"), 1, 500);
    options.durationSeconds = intOption(parser, QStringLiteral("duration"), 1, 3600);
    options.retrieval.k = intOption(parser, QStringLiteral("k"), 1, 50);
    const int perMerchant = intOption(parser, QStringLiteral("agents-per-merchant"), 1, 100);
    loadtest::ServiceLevels slo;
    slo.p95Ms = intOption(parser, QStringLiteral("slo-p95-ms"), 1, 600000);
    slo.p99Ms = intOption(parser, QStringLiteral("slo-p99-ms"), 1, 600000);

    bootstrap::PreparedDatabase database = openDatabase(parser);
    std::unique_ptr<db::EmbeddedPooler> pooler;
    std::unique_ptr<db::EmbeddedReplica> replica;
    QString route = QStringLiteral("direct");
    if (parser.isSet(QStringLiteral("pooler"))) {
        if (!database.cluster)
            throw UsageError(QStringLiteral("--pooler starts the embedded default's PgBouncer; for your own server give --agent-db"));
        pooler = std::make_unique<db::EmbeddedPooler>(*database.cluster);
        if (pooler->isRunning())
            pooler->detach();  // someone else's: leave it running
        else
            pooler->start();
        options.agentConninfo = pooler->conninfoFor(database.cluster->options().owner);
        route = QStringLiteral("PgBouncer (transaction mode)");
    } else if (parser.isSet(QStringLiteral("replica"))) {
        if (!database.cluster)
            throw UsageError(QStringLiteral("--replica starts the embedded default's replica; for your own give --agent-db"));
        replica = std::make_unique<db::EmbeddedReplica>(*database.cluster);
        replica->start([](const QString& step) { err() << "ragctl: " << step << Qt::endl; });
        replica->detach();  // it keeps following the primary for later runs
        options.agentConninfo = replica->conninfo();
        options.auditConninfo = database.cluster->conninfo();
        route = QStringLiteral("streaming replica (audit to the primary)");
    } else if (parser.isSet(QStringLiteral("agent-db"))) {
        options.agentConninfo = parser.value(QStringLiteral("agent-db"));
        route = QStringLiteral("--agent-db");
    } else {
        options.agentConninfo = database.cluster ? database.cluster->conninfo() : database.conninfo;
    }

    if (parser.isSet(QStringLiteral("reindex")) && parser.isSet(QStringLiteral("ingest")))
        throw UsageError(QStringLiteral("one background task per run: --reindex or --ingest"));
    if (parser.isSet(QStringLiteral("reindex"))) {
        const QString merchant = parser.value(QStringLiteral("reindex"));
        options.background = loadtest::BackgroundTask{
            QStringLiteral("online reindex of %1").arg(merchant), options.durationSeconds / 3.0, [conninfo = database.conninfo, merchant] {
                QStringList done;
                for (const retrieval::RebuiltGraph& g : retrieval::rebuildGraphsOnline(conninfo, merchant))
                    done << QStringLiteral("%1 in %2 s").arg(g.graph).arg(g.seconds, 0, 'f', 1);
                return done.isEmpty() ? QStringLiteral("no graph to rebuild") : QStringLiteral("rebuilt ") + done.join(QStringLiteral(", "));
            }};
    }

    options.ownerConninfo = database.conninfo;
    db::PgConnection owner = db::PgConnection::open(database.conninfo);
    const QStringList merchants = merchantsFrom(owner, parser.value(QStringLiteral("merchants")));
    for (const QString& option : {QStringLiteral("reindex"), QStringLiteral("ingest-merchant")})
        if (parser.isSet(option))
            retrieval::requireMerchantPartition(owner, parser.value(option));  // a clear error before any load
    loadtest::removeLoadDocuments(owner);  // a killed run's
    if (parser.isSet(QStringLiteral("ingest"))) {
        const int documents = intOption(parser, QStringLiteral("ingest"), 1, 100000);
        const QString merchant = parser.isSet(QStringLiteral("ingest-merchant")) ? parser.value(QStringLiteral("ingest-merchant"))
                                                                               : merchants.front();
        options.background = loadtest::BackgroundTask{
            QStringLiteral("ingest into %1").arg(merchant), options.durationSeconds / 3.0,
            [conninfo = database.conninfo, merchant, documents, seed = options.seed] {
                db::PgConnection writer = db::PgConnection::open(conninfo);
                return loadtest::ingestDuringLoad(writer, merchant, documents, seed);
            }};
    }
    std::vector<loadtest::LoadAgent> agents = loadtest::provisionLoadAgents(owner, merchants, perMerchant);
    if (pooler)
        pooler->refreshAgents();
    if (replica) {  // the load agents' roles must reach the replica before they log in there
        db::PgConnection follower = db::PgConnection::open(replica->conninfo());
        if (!db::waitForReplay(follower, db::currentWalLsn(owner), 30000))
            throw std::runtime_error("the replica did not catch up with the primary within 30 s");
    }
    err() << "ragctl: " << agents.size() << " load agents at " << merchants.join(QStringLiteral(", ")) << ", " << options.clients
          << " clients " << route << " for " << options.durationSeconds << " s" << Qt::endl;

    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    // With the replica: its replay lag behind the primary, sampled each second of the run.
    std::optional<db::PgConnection> follower;
    if (replica)
        follower.emplace(db::PgConnection::open(replica->conninfo()));
    qint64 maxLagBytes = 0, lagSamples = 0;
    double maxLagSeconds = 0, sumLagBytes = 0;
    loadtest::LoadTestReport report;
    try {
        report = loadtest::runLoadTest(agents, options, slo, [&](double elapsed, qint64 queries, qint64 errors) {
            if (follower) {
                const db::ReplicationLag lag = db::replicationLag(owner, *follower);
                maxLagBytes = std::max(maxLagBytes, lag.bytes);
                maxLagSeconds = std::max(maxLagSeconds, lag.seconds);
                sumLagBytes += static_cast<double>(lag.bytes);
                ++lagSamples;
            }
            if (terminal)
                err() << "\rragctl: " << qRound(elapsed) << "/" << options.durationSeconds << " s  " << queries << " packs  "
                      << errors << " errors" << Qt::flush;
        });
    } catch (...) {
        loadtest::removeLoadAgents(owner);
        loadtest::removeLoadDocuments(owner);
        throw;
    }
    if (terminal)
        err() << Qt::endl;
    loadtest::removeLoadAgents(owner);
    loadtest::removeLoadDocuments(owner);
    if (pooler)
        pooler->refreshAgents();

    out() << "route: " << route << '\n' << report.text();
    QJsonObject lagJson;
    if (lagSamples > 0) {
        const double meanLag = sumLagBytes / static_cast<double>(lagSamples);
        out() << "replication lag under load (" << lagSamples << " samples): mean " << qRound64(meanLag) << " bytes, max "
              << maxLagBytes << " bytes / " << QString::number(maxLagSeconds, 'f', 3) << " s\n";
        lagJson = {{QStringLiteral("samples"), lagSamples}, {QStringLiteral("mean_bytes"), meanLag},
                   {QStringLiteral("max_bytes"), maxLagBytes}, {QStringLiteral("max_seconds"), maxLagSeconds}};
    }
    if (parser.isSet(QStringLiteral("report"))) {
        QJsonObject json = report.json();
        json.insert(QStringLiteral("route"), route);
        if (!lagJson.isEmpty())
            json.insert(QStringLiteral("replication_lag"), lagJson);
        writeFile(parser.value(QStringLiteral("report")), QJsonDocument(json).toJson(QJsonDocument::Indented));
    }
    if (parser.isSet(QStringLiteral("plot"))) {
        const QImage plot = loadtest::latencyPlot(report, QStringLiteral("ragctl loadtest: %1").arg(route));
        if (!plot.save(parser.value(QStringLiteral("plot")), "PNG"))
            throw std::runtime_error(QStringLiteral("cannot write %1").arg(parser.value(QStringLiteral("plot"))).toStdString());
    }
    out().flush();
    return report.meetsSlo() ? 0 : 4;
}

const CommandRegistrar kLoadtest("loadtest", "concurrent simulated agents with an SLO report and latency plot", &runLoadtest);

} // namespace
} // namespace ac::cli
