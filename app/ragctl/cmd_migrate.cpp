#include "cli_support.h"
#include "command_registry.h"
#include "db/migrator.h"

namespace ac::cli {
namespace {

int runMigrate(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parseOrThrow(parser, args, QStringLiteral("Apply pending schema migrations (numbered, immutable, checksummed)."));
    bootstrap::BootstrapOptions options;
    options.dbOption = parser.value(QStringLiteral("db"));
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    const db::DatabaseTarget target = db::resolveDatabaseTarget(options.dbOption);
    if (target.embedded) {
        // The embedded bootstrap already migrates; do that without seeding.
        bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
        out() << "migrations up to date on " << prepared.description << Qt::endl;
        return 0;
    }
    db::PgConnection conn = db::PgConnection::open(target.conninfo);
    const QStringList applied = db::Migrator(conn).apply(db::Migrator::embedded(), [](const QString& step) {
        err() << "ragctl: " << step << Qt::endl;
    });
    out() << (applied.isEmpty() ? QStringLiteral("migrations up to date") : QStringLiteral("applied: ") + applied.join(QStringLiteral(", ")))
          << " on " << conn.describe() << Qt::endl;
    return 0;
}

const CommandRegistrar kMigrate("migrate", "apply pending schema migrations", &runMigrate);

} // namespace
} // namespace ac::cli
