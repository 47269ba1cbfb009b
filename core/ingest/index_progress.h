#pragma once

#include "db/pg_connection.h"

#include <optional>

namespace ac::ingest {

// One row of pg_stat_progress_create_index for the backend building an index.
struct IndexBuildProgress {
    QString phase;  // e.g. "building index: loading tuples"
    qint64 blocksDone = 0;
    qint64 blocksTotal = 0;
    qint64 tuplesDone = 0;
    qint64 tuplesTotal = 0;

    double fraction() const;  // 0..1 from tuples or blocks, whichever the phase reports
};

// Read from another connection while `builderPid` runs CREATE INDEX / REINDEX; nullopt when that
// backend is not building an index (not started yet, or finished).
std::optional<IndexBuildProgress> readIndexBuildProgress(db::PgConnection& conn, int builderPid);

} // namespace ac::ingest
