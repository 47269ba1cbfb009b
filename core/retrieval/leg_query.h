#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <utility>
#include <vector>

namespace ac::retrieval {

// Which rows a leg may read: one merchant, its live corpus version, the agent's ACL tokens.
struct LegScope {
    QString merchantId;
    int corpusVersion = 0;
    int dims = 0;  // of the version's vectors
    QStringList aclTokens;
};

// One statement exactly as it runs: SQL, parameters and the SET LOCAL settings before it. The
// explain path replays the same object, so the plan is the plan of the query that ran.
struct LegQuery {
    QString leg;  // "vector" | "lexical"
    QString sql;
    // When the statement calls a server function, the function that returns EXPLAIN (ANALYZE,
    // BUFFERS, FORMAT JSON) of the statement inside it, with the same parameters.
    const char* explainSql = nullptr;
    db::PgParams params;
    std::vector<std::pair<QString, QString>> settings;
};

// Applies the settings with set_config(..., is_local => true); needs an open transaction.
void applySettings(db::PgConnection& conn, const LegQuery& query);

// Runs settings + statement; rows map to chunks in result order, with `scoreColumn` returned
// alongside each (distance or ts_rank_cd score).
std::vector<std::pair<RetrievedChunk, double>> runLeg(db::PgConnection& conn, const LegQuery& query,
                                                      const char* scoreColumn);

// EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the same statement with the same parameters and settings.
QueryPlan explainLeg(db::PgConnection& conn, const LegQuery& query);

QJsonObject settingsToJson(const LegQuery& query);

} // namespace ac::retrieval
