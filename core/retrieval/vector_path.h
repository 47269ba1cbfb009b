#pragma once

#include "db/pg_connection.h"
#include "retrieval/leg_query.h"

namespace ac::retrieval {

// Planner estimates (no rows are read): how many rows the agent may see, how many the merchant has
// in this corpus version, and how many its partition (so the HNSW graph it searches) holds.
struct PathEstimates {
    qint64 authorised = 0;
    qint64 merchant = 0;
    qint64 table = 0;
    bool underPolicy = false;  // row-level security applied to the estimates (an agent session)
};

PathEstimates estimatePath(db::PgConnection& conn, const LegScope& scope);

struct PathDecision {
    bool exact = false;
    QString reason;
};

// One tuple visited by a filtered HNSW scan (graph hops, neighbour distances, heap check) costs
// about as much as this many rows of an exact scan (detoast + one distance); measured on the
// benchmark corpus, see BENCHMARKS.md.
inline constexpr double kHnswVisitCostInExactRows = 40.0;

// Exact when the authorised set is small (a scan is cheap and always complete), when the filter is
// so selective that HNSW would visit more than its tuple budget to find `limit` rows, or when those
// visits cost more than scanning the authorised rows; HNSW otherwise. Forced when
// options.vectorPath is not Auto.
PathDecision chooseVectorPath(const PathEstimates& estimates, const RetrievalOptions& options, int limit);

} // namespace ac::retrieval
