#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <QDateTime>

#include <optional>

namespace ac::retrieval {

// The recall-drift monitor (migration 017). A probe takes a real question that a graph answered
// and measures recall@k of the graph's top k against the exact top k over the same authorised rows.
struct RecallProbe {
    int k = 0;
    double recall = 0.0;     // tie-aware: a graph row as near as the exact k-th counts as found
    QString vectorPath;      // "hnsw" | "hnsw-acl"
    int corpusVersion = 0;
    int efSearch = 0;
};

// Below this mean recall over the window, health reports drift (and the console warns).
inline constexpr double kRecallDriftThreshold = 0.90;

// Probes the answer to `request` whose diagnostics are `answered` (given just before, as the same
// agent; this connection may be the primary of the replica that answered) and records it in
// recall_probes: the answer's own query vector, exact scan of the same corpus version. nullopt when
// there is nothing to compare (the answer was exact already, or the vector leg did not run). At
// most 10 rows are compared. Costs one exact scan of the agent's rows: callers sample.
std::optional<RecallProbe> probeRecall(db::PgConnection& conn, const RetrievalRequest& request, const Diagnostics& answered);

// Recall of graph rows against exact rows, both nearest first, at k = min(10, exact rows).
double tieAwareRecall(const std::vector<VectorLegHit>& graph, const std::vector<VectorLegHit>& exact);

struct RecallHealth {
    qint64 probes = 0;
    double meanRecall = 0.0;
    double minRecall = 0.0;
    std::optional<QDateTime> lastProbe;
    bool drifting(double threshold = kRecallDriftThreshold) const { return probes > 0 && meanRecall < threshold; }
};

// The calling agent's merchant over the last `hours`.
RecallHealth recallHealth(db::PgConnection& conn, int hours = 24);

} // namespace ac::retrieval
