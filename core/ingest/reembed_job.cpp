#include "ingest/reembed_job.h"

#include "db/db_error.h"
#include "ingest/binary_copy.h"
#include "ingest/chunk.h"
#include "ingest/corpus_version.h"
#include "ingest/graph_deferral.h"
#include "ingest/ingest_error.h"
#include "ingest/ingest_sql.h"

#include <QElapsedTimer>

namespace ac::ingest {

namespace {

constexpr const char* kDropBuilding = "DELETE FROM corpus_versions WHERE merchant_id = $1 AND state = 'building'";
constexpr const char* kDropVersion = "DELETE FROM corpus_versions WHERE merchant_id = $1 AND version = $2";
constexpr const char* kCreateBuilding =
    "INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
    " embedding_version, chunker_version, state) "
    "SELECT $1, max(version) + 1, $2, $3, $4, $5, $6, 'building' FROM corpus_versions WHERE merchant_id = $1 "
    "RETURNING version";
constexpr const char* kCountChunks = "SELECT count(*) FROM chunks WHERE merchant_id = $1 AND corpus_version = $2";
constexpr const char* kPage =
    "SELECT id, source_type, document_id, ticket_id, chunk_index, heading_path, section, citation, chunk_text, "
    " content_hash, token_count, chunker_version, metadata::text, acl "
    "FROM chunks WHERE merchant_id = $1 AND corpus_version = $2 AND id > $3 ORDER BY id LIMIT $4";
constexpr const char* kCopyChunks =
    "COPY chunks (merchant_id, corpus_version, source_type, document_id, ticket_id, chunk_index, heading_path, section, "
    " citation, chunk_text, content_hash, token_count, chunker_version, metadata, acl, embedding, embedding_model, "
    " embedding_provider, embedding_dims, embedding_version) FROM STDIN (FORMAT binary)";
constexpr const char* kRetire =
    "UPDATE corpus_versions SET state = 'retired' WHERE merchant_id = $1 AND version = $2 AND state = 'live'";
// Graphs follow the vectors: ACL graphs of the old dimensions are built for the new ones before
// the switch, graphs of dimensions no version uses any more dropped after it (migration 016).
constexpr const char* kCarryAclGraphs = "SELECT app.carry_acl_graphs($1, $2, $3)";
constexpr const char* kDropUnusedGraphs = "SELECT app.drop_unused_graphs($1)";
constexpr const char* kActivate =
    "UPDATE corpus_versions SET state = 'live', activated_at = now() "
    "WHERE merchant_id = $1 AND version = $2 AND state = 'building'";

// Holds the merchant's corpus lock for the session; released however run() ends.
class SessionLock {
public:
    SessionLock(db::PgConnection& conn, const QString& merchantId) : conn_(conn), merchantId_(merchantId)
    {
        conn_.exec(sql::kLockCorpus, db::PgParams().add(merchantId_));
    }
    ~SessionLock()
    {
        try {
            if (conn_.isOk())
                conn_.exec(sql::kUnlockCorpus, db::PgParams().add(merchantId_));
        } catch (const db::DbError&) {
            // The lock dies with the session anyway.
        }
    }

private:
    db::PgConnection& conn_;
    QString merchantId_;
};

std::optional<QString> optionalText(const db::PgResult& r, int row, int col)
{
    return r.isNull(row, col) ? std::nullopt : std::optional<QString>(r.text(row, col));
}

} // namespace

ReembedJob::ReembedJob(db::PgConnection& conn, Embedder& embedder, QString merchantId, int batchSize)
    : conn_(conn), embedder_(embedder), merchantId_(std::move(merchantId)), batchSize_(std::max(1, batchSize))
{
}

ReembedResult ReembedJob::run()
{
    QElapsedTimer timer;
    timer.start();
    requireMerchant(conn_, merchantId_);
    const EmbeddingSpec spec = embedder_.spec();
    SessionLock lock(conn_, merchantId_);
    restoreGraphs(conn_, merchantId_, progress_);  // a load that died left them deferred
    const std::optional<CorpusVersion> live = liveCorpus(conn_, merchantId_);
    if (!live)
        throw IngestError(QStringLiteral("merchant %1 has no live corpus to re-embed: load documents first").arg(merchantId_));
    ReembedResult result{live->version, live->version, 0, 0.0};
    if (live->spec.provider == spec.provider && live->spec.model == spec.model && live->spec.dims == spec.dims
        && live->spec.version == spec.version) {
        result.seconds = timer.nsecsElapsed() / 1e9;
        return result;
    }

    conn_.exec(kDropBuilding, db::PgParams().add(merchantId_));  // left by a run that died
    const db::PgResult created = conn_.exec(kCreateBuilding, db::PgParams()
                                                                 .add(merchantId_)
                                                                 .add(spec.provider)
                                                                 .add(spec.model)
                                                                 .add(spec.dims)
                                                                 .add(spec.version)
                                                                 .add(live->chunkerVersion));
    result.toVersion = static_cast<int>(created.integer(0, 0));
    const qint64 total =
        conn_.exec(kCountChunks, db::PgParams().add(merchantId_).add(live->version)).integer(0, 0);
    try {
        build(live->version, result.toVersion, total);
        const qint64 built =
            conn_.exec(kCountChunks, db::PgParams().add(merchantId_).add(result.toVersion)).integer(0, 0);
        if (built != total)
            throw IngestError(QStringLiteral("re-embed built %1 of %2 chunks; the live corpus was left as it was")
                                  .arg(built).arg(total));
        conn_.exec(kCarryAclGraphs, db::PgParams().add(merchantId_).add(live->spec.dims).add(spec.dims));
        switchLive(live->version, result.toVersion);
    } catch (...) {
        try {
            if (conn_.isOk() && !conn_.inTransaction())
                conn_.exec(kDropVersion, db::PgParams().add(merchantId_).add(result.toVersion));
        } catch (const db::DbError&) {
            // The next run drops the half-built version (kDropBuilding); report the original failure.
        }
        throw;
    }
    conn_.exec(kDropVersion, db::PgParams().add(merchantId_).add(live->version));
    conn_.exec(kDropUnusedGraphs, db::PgParams().add(merchantId_));
    result.chunks = total;
    result.seconds = timer.nsecsElapsed() / 1e9;
    return result;
}

void ReembedJob::build(int fromVersion, int toVersion, qint64 total)
{
    const EmbeddingSpec spec = embedder_.spec();
    const ProgressMeter meter(QStringLiteral("re-embed"), total);
    qint64 lastId = 0;
    qint64 done = 0;
    if (progress_)
        progress_(meter.at(0));
    for (;;) {
        const db::PgResult page = conn_.exec(
            kPage, db::PgParams().add(merchantId_).add(fromVersion).add(lastId).add(batchSize_));
        if (page.empty())
            break;
        QStringList texts;
        for (int r = 0; r < page.rows(); ++r)
            texts << Chunk::composeEmbedText(page.text(r, 5), page.text(r, 8));
        const std::vector<Embedding> vectors = embedder_.embed(texts);
        if (static_cast<int>(vectors.size()) != page.rows())
            throw EmbeddingError(QStringLiteral("the embedder returned %1 vectors for %2 texts").arg(vectors.size()).arg(page.rows()));
        BinaryCopyEncoder rows;
        for (int r = 0; r < page.rows(); ++r) {
            if (static_cast<int>(vectors[r].size()) != spec.dims)
                throw EmbeddingError(QStringLiteral("the embedder returned a %1-dimensional vector; expected %2")
                                         .arg(vectors[r].size()).arg(spec.dims));
            rows.beginRow(20);
            rows.addText(merchantId_);
            rows.addInt4(toVersion);
            rows.addText(page.text(r, 1));
            rows.addText(optionalText(page, r, 2));
            rows.addText(optionalText(page, r, 3));
            rows.addInt4(static_cast<qint32>(page.integer(r, 4)));
            rows.addText(page.text(r, 5));
            rows.addText(page.text(r, 6));
            rows.addText(page.text(r, 7));
            rows.addText(page.text(r, 8));
            rows.addText(page.text(r, 9));
            rows.addInt4(static_cast<qint32>(page.integer(r, 10)));
            rows.addText(page.text(r, 11));
            rows.addJsonbText(page.bytes(r, 12));
            rows.addTextArray(page.textArray(r, 13));
            rows.addVector(vectors[r]);
            rows.addText(spec.model);
            rows.addText(spec.provider);
            rows.addInt4(spec.dims);
            rows.addText(spec.version);
        }
        copyIn(conn_, kCopyChunks, rows.finish());
        lastId = page.integer(page.rows() - 1, 0);
        done += page.rows();
        if (progress_)
            progress_(meter.at(done));
    }
}

void ReembedJob::switchLive(int fromVersion, int toVersion)
{
    db::Transaction tx(conn_);
    const db::PgParams from = db::PgParams().add(merchantId_).add(fromVersion);
    const db::PgParams to = db::PgParams().add(merchantId_).add(toVersion);
    if (conn_.exec(kRetire, from).affectedRows() != 1)
        throw IngestError(QStringLiteral("version %1 of merchant %2 is no longer live; the switch was abandoned")
                              .arg(fromVersion).arg(merchantId_));
    if (conn_.exec(kActivate, to).affectedRows() != 1)
        throw IngestError(QStringLiteral("version %1 of merchant %2 vanished before the switch").arg(toVersion).arg(merchantId_));
    tx.commit();
}

} // namespace ac::ingest
