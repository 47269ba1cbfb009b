#pragma once

#include "db/pg_connection.h"

#include <functional>
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

// Runs `build` (statements on `builder` that build indexes) on a worker thread while a second
// connection, opened with `watcherConninfo`, reports the build's progress every 250 ms; rethrows
// what `build` threw.
void watchIndexBuild(db::PgConnection& builder, const QString& watcherConninfo, const std::function<void()>& build,
                     const std::function<void(const IndexBuildProgress&)>& onProgress);

} // namespace ac::ingest
