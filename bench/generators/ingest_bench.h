#pragma once

#include "db/pg_connection.h"
#include "ingest/load_progress.h"

#include <QString>

#include <optional>

namespace ac::bench {

struct IngestBenchOptions {
    qint64 chunks = 100000;  // at least this many, from synthetic documents
    quint64 seed = 42;
    bool rowByRow = true;    // also run the seed-style INSERT loop
    bool buildIndex = true;  // time the HNSW build on the bulk-loaded table
    int batchChunks = 2000;
    bool keepSchema = false;
};

struct PathTiming {
    qint64 chunks = 0;
    double seconds = 0.0;
    double chunksPerSec() const { return seconds > 0 ? chunks / seconds : 0.0; }
};

struct IngestBenchReport {
    int documents = 0;
    qint64 chunks = 0;
    double chunkingSeconds = 0.0;
    PathTiming hashEmbedOnly;              // the hash embedder alone, one thread
    std::optional<PathTiming> rowByRow;    // embed + one INSERT ... ON CONFLICT per chunk, one transaction per document
    PathTiming bulk;                       // embed + binary COPY into staging + set-based merge
    PathTiming bulkRerun;                  // the same load again: nothing re-embedded, nothing rewritten
    std::optional<double> indexSeconds;    // CREATE INDEX ... USING hnsw on the bulk-loaded rows
    QString indexSize;
};

// Runs both write paths side by side, in one process, against scratch copies of the tables in a
// schema `ac_bench` (created and dropped here; the real tables are never touched). The scratch
// chunks table has no GIN/HNSW indexes while loading, as a bulk load would; the HNSW index is then
// built and timed, its progress read from pg_stat_progress_create_index on a second connection.
IngestBenchReport runIngestBench(db::PgConnection& conn, const QString& conninfo, const IngestBenchOptions& options,
                                 const ingest::ProgressFn& progress = {});

} // namespace ac::bench
