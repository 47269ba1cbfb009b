#include "cli_support.h"
#include "command_registry.h"
#include "retrieval/plan_tree.h"
#include "retrieval/recall_probe.h"
#include "retrieval/result_json.h"
#include "retrieval/retriever.h"
#include "retrieval_cli.h"

#include <QJsonDocument>

namespace ac::cli {
namespace {

QString score(const std::optional<double>& value, int precision = 3)
{
    return value ? QString::number(*value, 'f', precision) : QStringLiteral("-");
}

void printResult(const retrieval::RetrievalResult& result)
{
    for (const retrieval::RetrievedChunk& c : result.chunks) {
        out() << c.rank << ". " << c.citation << "  similarity " << score(c.scores.vectorSimilarity) << "  source "
              << c.sourceType << ' ' << c.sourceId << " #" << c.chunkIndex;
        if (!c.title.isEmpty())
            out() << " (" << c.title << ')';
        out() << "\n   lexical " << score(c.scores.lexicalScore) << "  fused " << QString::number(c.scores.fused, 'f', 4)
              << "  rerank " << score(c.scores.rerank) << "  ranks v" << (c.scores.vectorRank ? QString::number(*c.scores.vectorRank) : QStringLiteral("-"))
              << "/l" << (c.scores.lexicalRank ? QString::number(*c.scores.lexicalRank) : QStringLiteral("-")) << '\n';
        const QString text = c.text.simplified();
        out() << "   " << (text.size() > 220 ? text.left(217) + QStringLiteral("...") : text) << "\n";
    }
    if (result.chunks.empty())
        out() << "no results\n";
    const retrieval::Diagnostics& d = result.diagnostics;
    QStringList timings;
    for (const retrieval::StageTiming& t : d.timings)
        timings << QStringLiteral("%1 %2").arg(t.stage).arg(t.ms, 0, 'f', 2);
    out() << "-- " << d.settings.value(QStringLiteral("mode")).toString() << ", vector path " << (d.vectorPath.isEmpty() ? QStringLiteral("-") : d.vectorPath)
          << " (ef_search " << d.efSearch << ", iterative " << (d.iterativeScan.isEmpty() ? QStringLiteral("-") : d.iterativeScan)
          << "), corpus v" << d.corpusVersion << ", candidates v" << d.vectorCandidates << "/l" << d.lexicalCandidates
          << ", hidden by ACL " << d.rowsRemovedByFilter << (d.underReturned ? ", UNDER-RETURNED" : "")
          << (d.widened ? ", widened" : "") << "\n-- " << QString::number(d.totalMs, 'f', 2) << " ms: " << timings.join(QStringLiteral(", "))
          << '\n';
    for (const QString& note : d.notes)
        out() << "-- " << note << '\n';
}

int runQuery(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addRetrievalOptions(parser, 3);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the result (scores, diagnostics, plans) as JSON.")});
    parser.addOption({QStringLiteral("explain"), QStringLiteral("Also run EXPLAIN (ANALYZE, BUFFERS) of the statements that ran.")});
    parser.addOption({QStringLiteral("probe-recall"), QStringLiteral("Also measure the graph's recall@10 for this query against an exact "
                                                                     "scan and record it for ragctl health.")});
    parseOrThrow(parser, args, QStringLiteral("Permission-aware retrieval for one agent, e.g.\n"
                                              "  ragctl query --merchant m01 --agent u1 \"where is my refund\""));
    const QString query = textArgument(parser, QStringLiteral("query"));
    retrieval::RetrievalOptions options = retrievalOptions(parser);
    options.explain = parser.isSet(QStringLiteral("explain"));

    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const retrieval::AgentIdentity agent = loadAgent(conn, parser);
    auto embedder = embedderFor(conn, agent.merchantId);
    auto reranker = rerankerFrom(parser);
    retrieval::Retriever retriever(conn, *embedder, reranker.get());
    const retrieval::RetrievalResult result = retriever.retrieve({agent, query, options});

    if (parser.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(retrieval::resultToJson(result)).toJson(QJsonDocument::Indented);
        return 0;
    }
    printResult(result);
    if (parser.isSet(QStringLiteral("probe-recall"))) {
        if (const auto probe = retrieval::probeRecall(conn, {agent, query, options}, result.diagnostics))
            out() << "-- recall probe: recall@" << probe->k << ' ' << QString::number(probe->recall, 'f', 3) << " (" << probe->vectorPath
                  << " against exact, recorded)\n";
        else
            out() << "-- recall probe: nothing to compare (the vector leg was exact or did not run)\n";
    }
    for (const retrieval::QueryPlan& plan : result.plans)
        out() << "\n== " << plan.leg << " leg plan\n" << retrieval::renderPlanText(plan) << '\n';
    out().flush();
    return 0;
}

const CommandRegistrar kQuery("query", "retrieve the top chunks an agent may read", &runQuery);

} // namespace
} // namespace ac::cli
