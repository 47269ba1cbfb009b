#include "ingest/bulk_loader.h"

namespace ac::ingest {

BulkLoader::BulkLoader(db::PgConnection& conn, Embedder& embedder, WriteOptions options, int batchChunks)
    : writer_(conn, embedder, options), batchChunks_(std::max(1, batchChunks))
{
}

IngestResult BulkLoader::load(const QString& merchantId, std::vector<PreparedSource> sources)
{
    qint64 total = 0;
    for (const PreparedSource& s : sources)
        total += static_cast<qint64>(s.chunks.size());
    const ProgressMeter meter(QStringLiteral("embed+write"), total);
    IngestResult result;
    qint64 done = 0;
    if (progress_)
        progress_(meter.at(0));
    for (size_t start = 0; start < sources.size();) {
        std::vector<PreparedSource> batch;
        qint64 chunks = 0;
        size_t end = start;
        while (end < sources.size() && (batch.empty() || chunks + static_cast<qint64>(sources[end].chunks.size()) <= batchChunks_)) {
            chunks += static_cast<qint64>(sources[end].chunks.size());
            batch.push_back(std::move(sources[end++]));
        }
        const BatchPlan plan = writer_.prepare(merchantId, batch, result);
        writer_.write(plan, batch, result);
        done += chunks;
        start = end;
        if (progress_)
            progress_(meter.at(done));
    }
    return result;
}

} // namespace ac::ingest
