#include "cli_support.h"
#include "command_registry.h"
#include "retrieval/plan_tree.h"
#include "retrieval/result_json.h"
#include "retrieval/retriever.h"
#include "retrieval_cli.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ac::cli {
namespace {

int runExplain(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addRetrievalOptions(parser, 3);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the parsed plans and warnings as JSON.")});
    parser.addOption({QStringLiteral("raw"), QStringLiteral("Print the server's EXPLAIN JSON unchanged.")});
    parseOrThrow(parser, args, QStringLiteral("EXPLAIN (ANALYZE, BUFFERS) of exactly the retrieval statements a query "
                                              "runs (same SQL, parameters and settings), with warnings."));
    const QString query = textArgument(parser, QStringLiteral("query"));
    retrieval::RetrievalOptions options = retrievalOptions(parser);
    options.explain = true;

    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const retrieval::AgentIdentity agent = loadAgent(conn, parser);
    auto embedder = embedderFor(conn, agent.merchantId);
    auto reranker = rerankerFrom(parser);
    const retrieval::RetrievalResult result =
        retrieval::Retriever(conn, *embedder, reranker.get()).retrieve({agent, query, options});

    if (parser.isSet(QStringLiteral("raw"))) {
        out() << QJsonDocument(result.planJson.value_or(QJsonObject())).toJson(QJsonDocument::Indented);
    } else if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray plans;
        for (const retrieval::QueryPlan& plan : result.plans)
            plans.append(retrieval::queryPlanToJson(plan));
        out() << QJsonDocument(QJsonObject{{QStringLiteral("plans"), plans},
                                           {QStringLiteral("diagnostics"), retrieval::diagnosticsToJson(result.diagnostics)}})
                     .toJson(QJsonDocument::Indented);
    } else {
        for (const retrieval::QueryPlan& plan : result.plans) {
            out() << "== " << plan.leg << " leg, settings:";
            const QJsonObject settings = result.diagnostics.settings.value(plan.leg + QStringLiteral("_settings")).toObject();
            for (auto it = settings.begin(); it != settings.end(); ++it)
                out() << ' ' << it.key() << '=' << it.value().toString();
            out() << '\n' << retrieval::renderPlanText(plan) << "\n\n";
        }
        for (const QString& note : result.diagnostics.notes)
            out() << "-- " << note << '\n';
    }
    out().flush();
    return 0;
}

const CommandRegistrar kExplain("explain", "EXPLAIN ANALYZE the retrieval statements, with warnings", &runExplain);

} // namespace
} // namespace ac::cli
