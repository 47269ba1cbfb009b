#pragma once

#include "ingest/load_progress.h"
#include "ingest/source_writer.h"

namespace ac::ingest {

// Large loads: sources are written in batches of about batchChunks chunks, each batch embedded
// first and then stored in one transaction through binary COPY into staging tables and a
// set-based merge (SourceWriter). A source never straddles two batches, so a failure leaves every
// source either at its new version or at its previous one; earlier batches stay committed. With a
// thread-safe embedder the next batch is embedded while the current one is written.
class BulkLoader {
public:
    BulkLoader(db::PgConnection& conn, Embedder& embedder, WriteOptions options = {}, int batchChunks = 2000);

    void setProgress(ProgressFn progress) { progress_ = std::move(progress); }
    IngestResult load(const QString& merchantId, std::vector<PreparedSource> sources);

private:
    SourceWriter writer_;
    Embedder& embedder_;
    int batchChunks_;
    ProgressFn progress_;
};

} // namespace ac::ingest
