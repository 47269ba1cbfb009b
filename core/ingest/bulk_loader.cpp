#include "ingest/bulk_loader.h"

#include "ingest/corpus_version.h"
#include "ingest/ingest_sql.h"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

namespace ac::ingest {

namespace {
// Below this many written chunks autovacuum's statistics are close enough.
constexpr int kAnalyzeAfterChunks = 2000;
} // namespace

BulkLoader::BulkLoader(db::PgConnection& conn, Embedder& embedder, WriteOptions options, int batchChunks)
    : writer_(conn, embedder, options), options_(options), embedder_(embedder), batchChunks_(std::max(1, batchChunks)), conn_(conn)
{
}

IngestResult BulkLoader::load(const QString& merchantId, std::vector<PreparedSource> sources)
{
    // Ids are checked across the whole load: batch k+1 is planned before batch k is written.
    SourceWriter::checkSources(sources);
    std::vector<std::vector<PreparedSource>> batches;
    std::vector<qint64> sizes;
    qint64 total = 0;
    for (PreparedSource& source : sources) {
        const auto n = static_cast<qint64>(source.chunks.size());
        if (batches.empty() || (sizes.back() > 0 && sizes.back() + n > batchChunks_)) {
            batches.emplace_back();
            sizes.push_back(0);
        }
        batches.back().push_back(std::move(source));
        sizes.back() += n;
        total += n;
    }

    IngestResult result;
    const auto deleteVanished = [&] {
        if (sync_)
            result.sourcesDeleted = deleteVanishedSources(conn_, merchantId, *sync_);
    };
    if (batches.empty()) {
        if (sync_) {
            db::Transaction tx(conn_);
            lockMerchantCorpus(conn_, merchantId);
            deleteVanished();
            tx.commit();
        }
        return result;
    }

    restoreGraphs(conn_, merchantId, progress_, conninfo_);  // left deferred by a load that died
    const bool deferred = shouldDeferGraphs(conn_, merchantId, total, graphPolicy_);
    if (deferred)
        deferGraphs(conn_, merchantId);
    try {
        writeBatches(merchantId, batches, sizes, total, result, deleteVanished);
    } catch (...) {
        if (deferred && conn_.isOk() && !conn_.inTransaction()) {
            try {
                restoreGraphs(conn_, merchantId);
            } catch (...) {  // the load's own error is the one to report; the next load retries
            }
        }
        throw;
    }
    if (deferred) {
        const RestoredGraphs restored = restoreGraphs(conn_, merchantId, progress_, conninfo_);
        result.graphsBuilt = restored.graphs;
        result.graphSeconds = restored.seconds;
    }
    if (result.chunksWritten >= kAnalyzeAfterChunks)
        conn_.exec(sql::kAnalyzePartition, db::PgParams().add(merchantId));
    return result;
}

void BulkLoader::writeBatches(const QString& merchantId, std::vector<std::vector<PreparedSource>>& batches,
                              const std::vector<qint64>& sizes, qint64 total, IngestResult& result,
                              const std::function<void()>& deleteVanished)
{
    const ProgressMeter meter(QStringLiteral("embed+write"), total);
    std::mutex reporting;
    qint64 done = 0;
    const auto wrote = [&](size_t k) {
        const std::lock_guard<std::mutex> lock(reporting);
        done += sizes[k];
        if (progress_)
            progress_(meter.at(done));
    };
    if (progress_)
        progress_(meter.at(0));
    if (!conninfo_.isNull() && embedder_.threadSafe() && batches.size() > 2) {
        writeSideBySide(merchantId, batches, result, deleteVanished, wrote);
        return;
    }
    auto embed = [this](std::vector<PreparedSource>* batch) { return writer_.embedMissing(*batch); };
    std::vector<BatchPlan> plans(batches.size());
    plans[0] = writer_.plan(merchantId, batches[0]);
    result.chunksEmbedded += embed(&batches[0]);
    for (size_t k = 0; k < batches.size(); ++k) {
        // Embed the next batch on a worker thread while this one is written, when the embedder allows it.
        std::future<int> next;
        if (k + 1 < batches.size()) {
            plans[k + 1] = writer_.plan(merchantId, batches[k + 1]);
            if (embedder_.threadSafe())
                next = std::async(std::launch::async, embed, &batches[k + 1]);
        }
        writer_.write(plans[k], batches[k], result, k + 1 == batches.size() ? std::function<void()>(deleteVanished)
                                                                            : std::function<void()>());
        batches[k] = {};  // frees the vectors
        wrote(k);
        if (k + 1 < batches.size())
            result.chunksEmbedded += next.valid() ? next.get() : embed(&batches[k + 1]);
    }
}

// The first batch alone (it may create the corpus version), the middle ones by two writers taking
// the next batch in turn, the last alone once every other has committed (it carries a sync's deletes).
void BulkLoader::writeSideBySide(const QString& merchantId, std::vector<std::vector<PreparedSource>>& batches,
                                 IngestResult& result, const std::function<void()>& deleteVanished,
                                 const std::function<void(size_t)>& wrote)
{
    const auto writeOne = [&](SourceWriter& writer, size_t k, IngestResult& into, const std::function<void()>& beforeCommit) {
        const BatchPlan plan = writer.plan(merchantId, batches[k]);
        into.chunksEmbedded += writer.embedMissing(batches[k]);
        writer.write(plan, batches[k], into, beforeCommit);
        batches[k] = {};
        wrote(k);
    };
    const size_t last = batches.size() - 1;
    writeOne(writer_, 0, result, {});
    std::atomic<size_t> next{1};
    std::atomic<bool> failed{false};
    const auto drain = [&](SourceWriter& writer, IngestResult& into) {
        for (size_t k = next++; k < last && !failed; k = next++)
            writeOne(writer, k, into, {});
    };
    IngestResult second;
    std::exception_ptr secondError;
    std::thread helper([&] {
        try {
            db::PgConnection conn = db::PgConnection::open(conninfo_);
            SourceWriter writer(conn, embedder_, options_);
            drain(writer, second);
        } catch (...) {
            failed = true;
            secondError = std::current_exception();
        }
    });
    try {
        drain(writer_, result);
    } catch (...) {
        failed = true;
        helper.join();
        throw;
    }
    helper.join();
    if (secondError)
        std::rethrow_exception(secondError);
    result.chunksWritten += second.chunksWritten;
    result.chunksUnchanged += second.chunksUnchanged;
    result.chunksDeleted += second.chunksDeleted;
    result.chunksEmbedded += second.chunksEmbedded;
    writeOne(writer_, last, result, deleteVanished);
}

} // namespace ac::ingest
