#pragma once

#include "db/pg_connection.h"
#include "ingest/chunk.h"
#include "ingest/embedder.h"
#include "ingest/ingestor.h"
#include "ingest/prepared_source.h"

#include <functional>
#include <optional>
#include <vector>

namespace ac::ingest {

struct WriteOptions {
    bool createMissingCustomers = false;  // tickets: add unknown customer ids (name = id) instead of failing
};

// What prepare() learned, checked again inside the write transaction.
struct BatchPlan {
    QString merchantId;
    std::optional<int> version;  // live corpus version the reuse plan was made against
};

// The write path shared by single-source ingest and bulk loads. prepare() runs outside any
// transaction (checks, reuse of stored vectors by content hash, embedding); write() then stores
// the sources and all their chunks in ONE transaction: binary COPY into temp staging tables, a
// set-based merge, deletion of chunks the sources no longer produce. Any failure rolls it all back.
class SourceWriter {
public:
    SourceWriter(db::PgConnection& conn, Embedder& embedder, WriteOptions options = {});

    // prepare() = plan() (checks, vectors to reuse; uses the connection) + embedMissing() (the embedder only).
    BatchPlan prepare(const QString& merchantId, std::vector<PreparedSource>& batch, IngestResult& result);
    BatchPlan plan(const QString& merchantId, std::vector<PreparedSource>& batch);
    int embedMissing(std::vector<PreparedSource>& batch);
    // beforeCommit runs inside the write's transaction, after the merge (a sync load's deletes).
    void write(const BatchPlan& plan, std::vector<PreparedSource>& batch, IngestResult& result,
               const std::function<void()>& beforeCommit = {});
    IngestResult ingest(const QString& merchantId, std::vector<PreparedSource>& batch);

    const EmbeddingSpec& spec() const { return spec_; }
    static QString chunkerVersion();
    // Throws IngestError for an id that appears twice among `sources` or a source with an empty acl.
    static void checkSources(const std::vector<PreparedSource>& sources);

private:
    void planReuse(const QString& merchantId, int version, std::vector<PreparedSource>& batch);
    void ensureStaging();
    void stageSources(std::vector<PreparedSource>& batch);
    void stageChunks(std::vector<PreparedSource>& batch);
    void mergeSources(const QString& merchantId, std::vector<PreparedSource>& batch);

    db::PgConnection& conn_;
    Embedder& embedder_;
    WriteOptions options_;
    EmbeddingSpec spec_;
};

} // namespace ac::ingest
