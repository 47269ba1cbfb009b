#include "cli_support.h"
#include "command_registry.h"
#include "db/embedded_replica.h"

namespace ac::cli {
namespace {

int runCluster(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Embedded cluster directory."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("pooler"), QStringLiteral("start: also start PgBouncer (transaction mode) for the agents' connections.")});
    parser.addOption({QStringLiteral("replica"), QStringLiteral("start: also start a streaming read replica (created with pg_basebackup on first use).")});
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("start | stop | status"));
    parseOrThrow(parser, args, QStringLiteral("Manage the embedded PostgreSQL cluster."));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw UsageError(QStringLiteral("expected one action: start, stop or status"));
    db::ClusterOptions options;
    options.baseDir = parser.value(QStringLiteral("data-dir"));
    const QString action = positional.first();
    if (action == QLatin1String("start")) {
        bootstrap::BootstrapOptions bootstrapOptions;
        bootstrapOptions.dataDir = options.baseDir;
        bootstrapOptions.pooler = parser.isSet(QStringLiteral("pooler"));
        bootstrapOptions.replica = parser.isSet(QStringLiteral("replica"));
        bootstrap::PreparedDatabase prepared = bootstrap::prepareDatabase(bootstrapOptions, [](const QString& step) {
            err() << "ragctl: " << step << Qt::endl;
        });
        prepared.cluster->detach();  // leave it running for other processes
        out() << "running: " << prepared.conninfo << Qt::endl;
        if (prepared.pooler) {
            prepared.pooler->detach();
            out() << "agents via PgBouncer: " << prepared.pooler->conninfoFor(QStringLiteral("AGENT_ROLE")) << Qt::endl;
        }
        if (prepared.replica) {
            prepared.replica->detach();
            out() << "read replica: " << prepared.replica->conninfo() << Qt::endl;
        }
        return 0;
    }
    db::EmbeddedCluster cluster(options);
    if (action == QLatin1String("stop")) {
        db::EmbeddedPooler(cluster).stop();  // a pooler or replica that is not running is no error
        db::EmbeddedReplica replica(cluster);
        if (replica.isRunning())
            replica.stop();
        cluster.stop();
        out() << "stopped " << cluster.options().baseDir << Qt::endl;
        return 0;
    }
    if (action == QLatin1String("status")) {
        const bool running = cluster.isRunning();
        out() << (running ? "running: " : cluster.isInitialized() ? "stopped: " : "not created: ")
              << cluster.options().baseDir << Qt::endl;
        const db::EmbeddedPooler pooler(cluster);
        if (pooler.isRunning())
            out() << "pooler running: " << pooler.conninfoFor(QStringLiteral("AGENT_ROLE")) << Qt::endl;
        const db::EmbeddedReplica replica(cluster);
        if (running && replica.isRunning()) {
            db::PgConnection primary = db::PgConnection::open(cluster.conninfo());
            db::PgConnection follower = db::PgConnection::open(replica.conninfo());
            const db::ReplicationLag lag = db::replicationLag(primary, follower);
            out() << "replica running: " << replica.conninfo() << "  lag " << lag.bytes << " bytes, "
                  << QString::number(lag.seconds, 'f', 2) << " s" << Qt::endl;
        }
        return running ? 0 : 3;
    }
    throw UsageError(QStringLiteral("unknown action \"%1\"").arg(action));
}

const CommandRegistrar kCluster("cluster", "start, stop or inspect the embedded cluster", &runCluster);

} // namespace
} // namespace ac::cli
