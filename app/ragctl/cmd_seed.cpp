#include "cli_support.h"
#include "command_registry.h"
#include "fixtures/fixture_loader.h"
#include "ingest/embedder_factory.h"

namespace ac::cli {
namespace {

int runSeed(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOption({QStringLiteral("fixtures"), QStringLiteral("Fixture folder (default: the built-in demo merchants)."),
                      QStringLiteral("dir")});
    parseOrThrow(parser, args, QStringLiteral("Load the demo merchants, agents, orders, documents and tickets."));
    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    fixtures::FixtureLoader loader(conn, ingest::EmbedderConfig::fromEnvironment());
    const QString root = parser.isSet(QStringLiteral("fixtures")) ? parser.value(QStringLiteral("fixtures"))
                                                                  : fixtures::FixtureLoader::embeddedRoot();
    const fixtures::FixtureReport report = loader.loadAll(root);
    out() << "loaded " << report.merchants << " merchants, " << report.documents << " documents, " << report.tickets
          << " tickets (" << report.chunks << " chunks) into " << prepared.description << Qt::endl;
    return 0;
}

const CommandRegistrar kSeed("seed", "load the demo fixtures (idempotent)", &runSeed);

} // namespace
} // namespace ac::cli
