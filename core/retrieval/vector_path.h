#pragma once

#include "db/pg_connection.h"
#include "retrieval/leg_query.h"

namespace ac::retrieval {

// Planner estimates (no rows are read): how many rows the agent may see, how many the merchant has
// in this corpus version, and how many the whole table (so the HNSW graph) holds.
struct PathEstimates {
    qint64 authorised = 0;
    qint64 merchant = 0;
    qint64 table = 0;
};

PathEstimates estimatePath(db::PgConnection& conn, const LegScope& scope);

struct PathDecision {
    bool exact = false;
    QString reason;
};

// Exact when the authorised set is small (a scan is cheap and always complete) or so selective
// that the HNSW scan would visit more than maxScanTuples to find `limit` of them; HNSW otherwise.
// Forced when options.vectorPath is not Auto.
PathDecision chooseVectorPath(const PathEstimates& estimates, const RetrievalOptions& options, int limit);

} // namespace ac::retrieval
