#pragma once

#include "db/pg_connection.h"
#include "ingest/load_progress.h"

#include <QString>

#include <optional>

namespace ac::bench {

struct IngestBenchOptions {
    qint64 chunks = 100000;      // at least this many, from synthetic documents
    int smallDocuments = 10000;  // one-sentence documents for the second run; 0 skips it
    quint64 seed = 42;
    bool rowByRow = true;        // also run the seed-style INSERT loop
    int batchChunks = 2000;
};

struct PathTiming {
    qint64 chunks = 0;
    double seconds = 0.0;       // end to end: embedding, writing and any graph build
    double graphSeconds = 0.0;  // of which building graphs after the load
    double chunksPerSec() const { return seconds > 0 ? chunks / seconds : 0.0; }
};

struct SmallDocumentsRun {
    int documents = 0;
    double trainingSeconds = 0.0;  // the merchant's first model, trained on the documents
    PathTiming load;               // BulkLoader: embed + write + graph build
    double documentsPerSec() const { return load.seconds > 0 ? documents / load.seconds : 0.0; }
    double writeDocumentsPerSec() const
    {
        const double write = load.seconds - load.graphSeconds;
        return write > 0 ? documents / write : 0.0;
    }
};

struct IngestBenchReport {
    int documents = 0;
    qint64 chunks = 0;
    double chunkingSeconds = 0.0;
    int dims = 0;
    double trainingSeconds = 0.0;           // the corpus model both paths embed with
    PathTiming embedOnly;                   // that model alone, one thread
    std::optional<PathTiming> rowByRow;     // one INSERT per chunk, one transaction per document, graph kept
    PathTiming bulk;                        // the product path (ragctl load): COPY + merge, graph deferred
    PathTiming bulkRerun;                   // the same load again: nothing re-embedded or rewritten
    QString graphSize;                      // of the bulk merchant's graph
    std::optional<SmallDocumentsRun> small;
    std::optional<PathTiming> smallIntoLarge;  // the same documents added to the bulk merchant (graph kept)
};

// Loads the same synthetic corpus through the seed's row-by-row loop and through the product's
// BulkLoader into two scratch merchants of the real schema (partition, GIN, statistics triggers,
// HNSW graph, RLS), side by side in one process, both embedding with one corpus model trained on
// the corpus first; then, for a third scratch merchant, `smallDocuments` one-sentence documents
// as `ragctl load` takes them (training its model first), and the same documents added to the bulk
// merchant, whose graph they go into one by one. The scratch merchants (`bench-ingest-*`)
// are removed afterwards, and when a killed run left them, before.
IngestBenchReport runIngestBench(db::PgConnection& conn, const QString& conninfo, const IngestBenchOptions& options,
                                 const ingest::ProgressFn& progress = {});

} // namespace ac::bench
