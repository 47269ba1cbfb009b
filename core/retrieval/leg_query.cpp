#include "retrieval/leg_query.h"

#include "retrieval/plan_tree.h"
#include "retrieval/query_sql.h"

#include <QJsonDocument>

namespace ac::retrieval {

void applySettings(db::PgConnection& conn, const LegQuery& query)
{
    if (query.settings.empty())
        return;
    QStringList names, values;
    for (const auto& [name, value] : query.settings) {
        names << name;
        values << value;
    }
    conn.exec(sql::kSetLocal, db::PgParams().addTextArray(names).addTextArray(values));
}

std::vector<std::pair<RetrievedChunk, double>> runLeg(db::PgConnection& conn, const LegQuery& query,
                                                      const char* scoreColumn)
{
    applySettings(conn, query);
    const db::PgResult rows = conn.exec(query.sql, query.params);
    const int id = rows.column("id");
    const int sourceType = rows.column("source_type");
    const int sourceId = rows.column("source_id");
    const int chunkIndex = rows.column("chunk_index");
    const int heading = rows.column("heading_path");
    const int citation = rows.column("citation");
    const int text = rows.column("chunk_text");
    const int acl = rows.column("acl");
    const int metadata = rows.column("metadata");
    const int score = rows.column(scoreColumn);

    std::vector<std::pair<RetrievedChunk, double>> out;
    out.reserve(static_cast<size_t>(rows.rows()));
    for (int r = 0; r < rows.rows(); ++r) {
        RetrievedChunk c;
        c.chunkId = rows.integer(r, id);
        c.sourceType = rows.text(r, sourceType);
        c.sourceId = rows.text(r, sourceId);
        c.chunkIndex = static_cast<int>(rows.integer(r, chunkIndex));
        c.headingPath = rows.text(r, heading);
        c.citation = rows.text(r, citation);
        c.text = rows.text(r, text);
        c.acl = rows.textArray(r, acl);
        c.metadata = QJsonDocument::fromJson(rows.bytes(r, metadata)).object();
        out.emplace_back(std::move(c), rows.real(r, score));
    }
    return out;
}

QueryPlan explainLeg(db::PgConnection& conn, const LegQuery& query)
{
    applySettings(conn, query);
    const QByteArray statement = query.explainSql ? QByteArray(query.explainSql)
                                                  : QByteArray(sql::kExplainPrefix) + query.sql.toUtf8();
    const db::PgResult result = conn.exec(statement.constData(), query.params);
    QueryPlan plan = parseExplainJson(result.bytes(0, 0));
    plan.leg = query.leg;
    plan.sql = query.sql;
    return plan;
}

QJsonObject settingsToJson(const LegQuery& query)
{
    QJsonObject o;
    for (const auto& [name, value] : query.settings)
        o.insert(name, value);
    return o;
}

} // namespace ac::retrieval
