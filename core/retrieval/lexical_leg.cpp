#include "retrieval/lexical_leg.h"

#include "retrieval/query_sql.h"

namespace ac::retrieval {

LegQuery lexicalLegQuery(const LegScope& scope, const QString& text, int limit, const Bm25Options& bm25)
{
    LegQuery q;
    q.leg = QStringLiteral("lexical");
    q.sql = sql::kLexicalLeg;
    q.explainSql = sql::kExplainLexicalLeg;
    q.params.add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens).add(limit).add(text)
        .add(bm25.k1).add(bm25.b);
    // The tenant is reached through an index even on a table small enough for the planner to prefer
    // scanning every merchant's rows.
    q.settings = {
        {QStringLiteral("enable_seqscan"), QStringLiteral("off")},
        {QStringLiteral("enable_indexscan"), QStringLiteral("on")},
        {QStringLiteral("enable_bitmapscan"), QStringLiteral("on")},
        {QStringLiteral("enable_sort"), QStringLiteral("on")},
    };
    return q;
}

std::vector<RetrievedChunk> runLexicalLeg(db::PgConnection& conn, const LegQuery& query)
{
    auto rows = runLeg(conn, query, "score");
    std::vector<RetrievedChunk> out;
    out.reserve(rows.size());
    for (auto& [chunk, score] : rows) {
        chunk.scores.lexicalScore = score;
        out.push_back(std::move(chunk));
    }
    return out;
}

} // namespace ac::retrieval
