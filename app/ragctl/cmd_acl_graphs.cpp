#include "cli_support.h"
#include "command_registry.h"
#include "ingest_cli.h"
#include "retrieval/acl_graphs.h"

#include <QElapsedTimer>

#include <algorithm>

namespace ac::cli {
namespace {

int runAclGraphs(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOptions({
        {QStringLiteral("merchant"), QStringLiteral("Merchant whose partition gets the graphs."), QStringLiteral("id")},
        {QStringLiteral("token"), QStringLiteral("ACL token to build a graph for (repeatable); default: chosen from the data."),
         QStringLiteral("token")},
        {QStringLiteral("min-rows"), QStringLiteral("Chosen tokens carry at least this many rows."), QStringLiteral("n"),
         QStringLiteral("5000")},
        {QStringLiteral("max-share"), QStringLiteral("Chosen tokens carry at most this percentage of the merchant's rows."),
         QStringLiteral("pct"), QStringLiteral("50")},
        {QStringLiteral("dry-run"), QStringLiteral("Show the tokens and what would be built, build nothing.")},
    });
    parseOrThrow(parser, args, QStringLiteral(
        "Build ACL-scoped HNSW graphs (partial indexes) on a merchant's partition, for agents who may read only "
        "part of a large tenant. Retrieval uses them when an agent's tokens' graphs hold every row it may read."));
    const QString merchant = requiredMerchant(parser);
    const int minRows = intOption(parser, QStringLiteral("min-rows"), 1, 1000000000);
    const int maxShare = intOption(parser, QStringLiteral("max-share"), 1, 100);

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    retrieval::requireMerchantPartition(conn, merchant);
    qint64 total = 0;
    const std::vector<retrieval::AclTokenRows> rows = retrieval::aclTokenRows(conn, merchant, total);
    for (const retrieval::AclTokenRows& r : rows)
        out() << r.token << '\t' << r.rows << " rows (" << QString::number(100.0 * r.rows / std::max<qint64>(total, 1), 'f', 1)
              << "%)\n";
    QStringList tokens = parser.values(QStringLiteral("token"));
    if (tokens.isEmpty())
        tokens = retrieval::chooseAclGraphTokens(rows, total, minRows, maxShare / 100.0);
    out() << "graphs to build for " << merchant << ": " << (tokens.isEmpty() ? QStringLiteral("none") : tokens.join(QStringLiteral(", ")))
          << Qt::endl;
    if (parser.isSet(QStringLiteral("dry-run")))
        return 0;
    for (const QString& token : tokens) {
        QElapsedTimer timer;
        timer.start();
        const QString index = retrieval::createAclGraph(conn, merchant, token);
        out() << index << " (" << token << "): " << QString::number(timer.elapsed() / 1000.0, 'f', 1) << " s" << Qt::endl;
    }
    return 0;
}

const CommandRegistrar kAclGraphs("acl-graphs", "build ACL-scoped HNSW graphs for a large merchant", &runAclGraphs);

} // namespace
} // namespace ac::cli
