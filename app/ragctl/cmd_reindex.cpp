#include "cli_support.h"
#include "command_registry.h"
#include "ingest/graph_deferral.h"
#include "ingest_cli.h"
#include "retrieval/acl_graphs.h"
#include "retrieval/graph_rebuild.h"

#include <unistd.h>

namespace ac::cli {
namespace {

std::optional<int> optionalInt(const QCommandLineParser& parser, const QString& name, int min, int max)
{
    return parser.isSet(name) ? std::optional<int>(intOption(parser, name, min, max)) : std::nullopt;
}

int runReindex(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOptions({
        {QStringLiteral("merchant"), QStringLiteral("Merchant whose graphs are rebuilt."), QStringLiteral("id")},
        {QStringLiteral("m"), QStringLiteral("HNSW m of the new graphs (default: as they are)."), QStringLiteral("n")},
        {QStringLiteral("ef-construction"), QStringLiteral("HNSW ef_construction of the new graphs (default: as they are)."),
         QStringLiteral("n")},
    });
    parseOrThrow(parser, args, QStringLiteral(
        "Rebuild a merchant's HNSW graphs (its own and its ACL graphs) online, e.g. after recall drift or to change "
        "m / ef_construction: each new graph is built beside the old one (CREATE INDEX CONCURRENTLY), then swapped "
        "in. Queries keep running and none fails. Graphs a large load deferred and did not build (it died) are built "
        "first. A later load that defers the graphs builds them again with the same parameters."));
    const QString merchant = requiredMerchant(parser);
    retrieval::GraphRebuildOptions options;
    options.m = optionalInt(parser, QStringLiteral("m"), 2, 100);
    options.efConstruction = optionalInt(parser, QStringLiteral("ef-construction"), 4, 1000);

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    {
        db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
        retrieval::requireMerchantPartition(conn, merchant);
        ProgressBar bar;
        const ingest::RestoredGraphs restored = ingest::restoreGraphs(
            conn, merchant, [&](const ingest::LoadProgress& p) { bar(p); }, prepared.conninfo);
        bar.finish();
        if (restored.graphs > 0) {
            out() << "built " << restored.graphs << " graph(s) a load had deferred in "
                  << QString::number(restored.seconds, 'f', 1) << " s\n";
            if (!options.m && !options.efConstruction) {
                out().flush();
                return 0;
            }
        }
    }
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    const auto progress = [&](const QString& graph, const QString& phase, double fraction) {
        if (terminal)
            err() << "\r\033[K" << graph << ": " << phase << ' ' << qRound(100 * fraction) << '%' << Qt::flush;
    };
    const std::vector<retrieval::RebuiltGraph> rebuilt = retrieval::rebuildGraphsOnline(prepared.conninfo, merchant, options, progress);
    if (terminal)
        err() << "\r\033[K" << Qt::flush;
    for (const retrieval::RebuiltGraph& g : rebuilt)
        out() << g.graph << ": rebuilt online in " << QString::number(g.seconds, 'f', 1) << " s (" << g.options << ", "
              << QString::number(g.bytes / 1048576.0, 'f', 1) << " MB)\n";
    if (rebuilt.empty())
        out() << merchant << " has no graph to rebuild\n";
    out().flush();
    return 0;
}

const CommandRegistrar kReindex("reindex", "rebuild a merchant's HNSW graphs online (new parameters, or after drift)", &runReindex);

} // namespace
} // namespace ac::cli
