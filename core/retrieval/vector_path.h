#pragma once

#include "db/pg_connection.h"
#include "retrieval/leg_query.h"

#include <QDeadlineTimer>

#include <map>

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

// A scope's estimates (merchant, corpus version, tokens), asked of the planner at most once per
// kTtlMs: they move only when the partition is analysed, and asking costs a retrieval 0.6-0.8 ms
// (three EXPLAINs). One per agent session, shared by its retrievals; one thread at a time.
class PathEstimateCache {
public:
    static constexpr int kTtlMs = 30000;
    // `reused` tells whether the planner was asked this time.
    PathEstimates estimates(db::PgConnection& conn, const LegScope& scope, bool& reused);

private:
    struct Entry {
        PathEstimates estimates;
        QDeadlineTimer expires;
    };
    std::map<QString, Entry> entries_;
};

struct PathDecision {
    bool exact = false;
    QString reason;
};

// One unit of ef_search (graph hops and neighbour distances in the merchant's own graph) costs
// about as much as this many rows of an exact scan (detoast + one distance): at 1M chunks, HNSW
// with ef_search 100 in a 300,000-row partition took ~6 ms, an exact scan ~7 us per row (see
// BENCHMARKS.md). With one graph for all merchants (before migration 007) a filtered visit cost ~40.
inline constexpr double kHnswVisitCostInExactRows = 8.0;

// Exact when a filter leaves a small authorised set (a scan is cheap and always complete), when the filter is
// so selective that HNSW would visit more than its tuple budget to find `limit` rows, or when those
// visits cost more than scanning the authorised rows; HNSW otherwise. Forced when
// options.vectorPath is not Auto.
PathDecision chooseVectorPath(const PathEstimates& estimates, const RetrievalOptions& options, int limit);

} // namespace ac::retrieval
