#pragma once

#include "ingest/graph_deferral.h"
#include "ingest/load_progress.h"
#include "ingest/source_sync.h"
#include "ingest/source_writer.h"

#include <optional>

namespace ac::ingest {

// Large loads: sources are written in batches of about batchChunks chunks, each batch embedded
// first and then stored in one transaction through binary COPY into staging tables and a
// set-based merge (SourceWriter). A source never straddles two batches, so a failure leaves every
// source either at its new version or at its previous one; earlier batches stay committed. With a
// thread-safe embedder and a conninfo for a second connection, batches are embedded and written by
// two writers side by side (the server's per-row work, to_tsvector above all, then uses two cores);
// otherwise the next batch is embedded while the current one is written. A load large
// enough to rebuild the merchant's graphs defers them and builds them once at the end
// (graph_deferral.h); graphs an interrupted load left deferred are built before this one writes.
class BulkLoader {
public:
    BulkLoader(db::PgConnection& conn, Embedder& embedder, WriteOptions options = {}, int batchChunks = 2000);

    void setProgress(ProgressFn progress) { progress_ = std::move(progress); }
    // A sync load: the plan's vanished sources are deleted in the last batch's transaction (in a
    // transaction of their own when the load has no sources), so they go only if all of it landed.
    void setSync(SyncPlan plan) { sync_ = std::move(plan); }
    // For second connections to the same database: a second writer, and a reader of the graph
    // build's progress (phase "graphs"). Progress may then be reported from the second writer's thread.
    void setConninfo(QString conninfo) { conninfo_ = std::move(conninfo); }
    void setGraphPolicy(GraphPolicy policy) { graphPolicy_ = policy; }
    IngestResult load(const QString& merchantId, std::vector<PreparedSource> sources);

private:
    void writeBatches(const QString& merchantId, std::vector<std::vector<PreparedSource>>& batches,
                      const std::vector<qint64>& sizes, qint64 total, IngestResult& result,
                      const std::function<void()>& deleteVanished);
    void writeSideBySide(const QString& merchantId, std::vector<std::vector<PreparedSource>>& batches,
                         IngestResult& result, const std::function<void()>& deleteVanished,
                         const std::function<void(size_t)>& wrote);

    SourceWriter writer_;
    WriteOptions options_;
    Embedder& embedder_;
    int batchChunks_;
    ProgressFn progress_;
    std::optional<SyncPlan> sync_;
    QString conninfo_;
    GraphPolicy graphPolicy_ = GraphPolicy::Auto;
    db::PgConnection& conn_;
};

} // namespace ac::ingest
