#include "bootstrap/database_bootstrap.h"

#include "db/db_error.h"
#include "db/migrator.h"
#include "db/pg_connection.h"
#include "fixtures/fixture_loader.h"
#include "ingest/embedder_factory.h"

namespace ac::bootstrap {

QString PreparedDatabase::conninfoForUser(const QString& user) const
{
    if (pooler)
        return pooler->conninfoFor(user);
    if (cluster)
        return cluster->conninfoFor(user);
    QString base = conninfo;
    // A later keyword wins in libpq conninfo; URIs cannot be extended, so we pass user separately.
    if (base.contains(QLatin1String("://")))
        return base;
    return base + QStringLiteral(" user='%1'").arg(QString(user).replace(QLatin1Char('\''), QLatin1String("\\'")));
}

PreparedDatabase prepareDatabase(const BootstrapOptions& options, const Progress& progress)
{
    auto report = [&](const QString& step) {
        if (progress)
            progress(step);
    };
    PreparedDatabase prepared;
    prepared.target = db::resolveDatabaseTarget(options.dbOption);
    if (!prepared.target.embedded) {
        prepared.conninfo = prepared.target.conninfo;
        db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
        prepared.description = QStringLiteral("server %1 (%2)").arg(conn.describe(), prepared.target.origin);
        const QStringList pending = db::Migrator(conn).pending(db::Migrator::embedded());
        if (!pending.isEmpty())
            throw db::DbError(QStringLiteral("the database %1 needs %2 migration(s) (%3); run `ragctl migrate` "
                                             "with the same connection settings first")
                                  .arg(conn.describe())
                                  .arg(pending.size())
                                  .arg(pending.join(QStringLiteral(", "))));
        return prepared;
    }

    db::ClusterOptions clusterOptions;
    clusterOptions.baseDir = options.dataDir;
    clusterOptions.durable = options.durable;
    prepared.cluster = std::make_unique<db::EmbeddedCluster>(clusterOptions);
    prepared.cluster->start(report);
    prepared.conninfo = prepared.cluster->conninfo();
    prepared.description = QStringLiteral("embedded %1").arg(prepared.cluster->options().baseDir);

    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    db::Migrator(conn).apply(db::Migrator::embedded(), report);
    if (options.seedFixtures) {
        fixtures::FixtureLoader loader(conn, ingest::EmbedderConfig::fromEnvironment());
        if (!loader.isSeeded()) {
            report(QStringLiteral("Loading the demo merchants"));
            loader.loadAll();
        }
    }
    if (options.pooler) {
        report(QStringLiteral("Starting the connection pooler (PgBouncer)"));
        prepared.pooler = std::make_unique<db::EmbeddedPooler>(*prepared.cluster);
        prepared.pooler->start();
        prepared.description += QStringLiteral(" via PgBouncer");
    }
    if (options.replica) {
        prepared.replica = std::make_unique<db::EmbeddedReplica>(*prepared.cluster);
        prepared.replica->start(report);
        prepared.description += QStringLiteral(", reads from its replica");
    }
    return prepared;
}

} // namespace ac::bootstrap
