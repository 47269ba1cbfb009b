#pragma once

#include "db/pg_connection.h"
#include "ingest/load_progress.h"

#include <optional>

namespace ac::ingest {

// Large loads build the merchant's HNSW graphs once, after writing, instead of inserting every chunk
// into them (migration 018). A load defers when it brings at least kDeferGraphsFromChunks chunks and
// more than the partition already holds: rebuilding is then cheaper than growing the graph, and the
// few chunks already there are searched exactly meanwhile.
inline constexpr qint64 kDeferGraphsFromChunks = 2000;

// auto: as above; defer: always (a load known to be large); keep: never (graphs grow with every chunk).
enum class GraphPolicy { Auto, Defer, Keep };

// Parses "auto", "defer" or "keep"; nullopt for anything else.
std::optional<GraphPolicy> parseGraphPolicy(const QString& name);

bool shouldDeferGraphs(db::PgConnection& conn, const QString& merchantId, qint64 incomingChunks,
                       GraphPolicy policy = GraphPolicy::Auto);

// Records and drops the merchant's graphs (durably: a killed load leaves the deferral in place).
int deferGraphs(db::PgConnection& conn, const QString& merchantId);

bool graphsDeferred(db::PgConnection& conn, const QString& merchantId);

struct RestoredGraphs {
    int graphs = 0;
    double seconds = 0.0;
};

// Builds the deferred graphs and ends the deferral in one transaction (nothing when none is deferred).
// With progressConninfo, a second connection reads the build's progress for `progress` (phase "graphs").
RestoredGraphs restoreGraphs(db::PgConnection& conn, const QString& merchantId, const ProgressFn& progress = {},
                             const QString& progressConninfo = {});

} // namespace ac::ingest
