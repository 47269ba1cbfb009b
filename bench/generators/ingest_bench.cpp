#include "ingest_bench.h"

#include "ingest/bulk_loader.h"
#include "ingest/hash_embedder.h"
#include "ingest/index_progress.h"
#include "ingest/prepared_source.h"
#include "synthetic_corpus.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <atomic>
#include <thread>

namespace ac::bench {

using namespace ac::ingest;

namespace {

constexpr const char* kBenchMerchant = "bench";

constexpr const char* kCreateSchema = R"SQL(
DROP SCHEMA IF EXISTS ac_bench CASCADE;
CREATE SCHEMA ac_bench;
CREATE TABLE ac_bench.merchants (LIKE public.merchants INCLUDING ALL);
CREATE TABLE ac_bench.support_documents (LIKE public.support_documents INCLUDING ALL);
CREATE TABLE ac_bench.corpus_versions (LIKE public.corpus_versions INCLUDING ALL);
CREATE TABLE ac_bench.chunks (LIKE public.chunks INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY
                              INCLUDING CONSTRAINTS);
ALTER TABLE ac_bench.chunks ADD PRIMARY KEY (id),
    ADD CONSTRAINT chunks_source_key UNIQUE NULLS NOT DISTINCT (document_id, ticket_id, corpus_version, chunk_index);
CREATE INDEX ON ac_bench.chunks (merchant_id, corpus_version);
INSERT INTO ac_bench.merchants (id, name, plan) VALUES ('bench', 'Ingest benchmark', 'pro');
)SQL";
constexpr const char* kSearchPath = "SELECT set_config('search_path', 'ac_bench, public', false)";
constexpr const char* kResetSearchPath = "SELECT set_config('search_path', '\"$user\", public', false)";
constexpr const char* kDropSchema = "DROP SCHEMA IF EXISTS ac_bench CASCADE";

// The seed's loader, row by row: one INSERT ... ON CONFLICT per chunk, text-format vectors.
constexpr const char* kRowDocument =
    "INSERT INTO support_documents (id, merchant_id, title, full_text, category, acl, source_path, content_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, "
    "full_text = EXCLUDED.full_text, acl = EXCLUDED.acl, content_hash = EXCLUDED.content_hash, updated_at = now()";
constexpr const char* kRowVersion =
    "INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
    " embedding_version, chunker_version, state, activated_at) VALUES ($1, 1, $2, $3, $4, $5, $6, 'live', now()) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kRowChunk =
    "INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, heading_path, section, "
    " citation, chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, metadata, acl, "
    " embedding_provider, embedding_dims, embedding_version) "
    "VALUES ($1, 1, 'document', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) "
    "ON CONFLICT ON CONSTRAINT chunks_source_key DO UPDATE SET chunk_text = EXCLUDED.chunk_text, "
    " embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata, acl = EXCLUDED.acl";
// The production graph's definition (migration 010), on the scratch table.
constexpr const char* kGraphDefinition = "SELECT app.chunk_graph_definition()";
constexpr const char* kCreateHnswOn = "CREATE INDEX chunks_embedding_hnsw ON ac_bench.chunks ";
constexpr const char* kIndexSize = "SELECT pg_size_pretty(pg_relation_size('ac_bench.chunks_embedding_hnsw'))";

std::vector<PreparedSource> generate(const IngestBenchOptions& options, int& documents, qint64& chunks)
{
    const SyntheticCorpus corpus({options.seed, 1, 1, 1, 0.0});
    std::vector<PreparedSource> out;
    chunks = 0;
    for (int i = 0; chunks < options.chunks; ++i) {
        DocumentSource d = corpus.document(0, i);
        d.merchantId = QString::fromLatin1(kBenchMerchant);
        out.push_back(prepareDocument(d, ChunkerOptions{}));
        chunks += static_cast<qint64>(out.back().chunks.size());
    }
    documents = static_cast<int>(out.size());
    return out;
}

PathTiming rowByRow(db::PgConnection& conn, const std::vector<PreparedSource>& sources, qint64 total,
                    const ProgressFn& progress)
{
    HashEmbedder embedder;
    const EmbeddingSpec spec = embedder.spec();
    const QString chunker = ChunkerOptions{}.version();
    conn.exec(kRowVersion, db::PgParams().add(kBenchMerchant).add(spec.provider).add(spec.model).add(spec.dims)
                               .add(spec.version).add(chunker));
    const ProgressMeter meter(QStringLiteral("row-by-row"), total);
    QElapsedTimer timer;
    timer.start();
    qint64 done = 0;
    for (const PreparedSource& s : sources) {
        QStringList texts;
        for (const Chunk& c : s.chunks)
            texts << c.embedText();
        const std::vector<Embedding> vectors = embedder.embed(texts);
        db::Transaction tx(conn);
        conn.exec(kRowDocument, db::PgParams().add(s.document.id).add(kBenchMerchant).add(s.document.title)
                                    .add(s.document.markdown).add(s.document.category).addTextArray(s.document.acl)
                                    .add(s.document.sourcePath).add(s.contentHash()));
        for (size_t i = 0; i < s.chunks.size(); ++i) {
            const Chunk& c = s.chunks[i];
            conn.exec(kRowChunk, db::PgParams().add(kBenchMerchant).add(s.document.id).add(c.index).add(c.headingPath)
                                     .add(c.section).add(c.citation).add(c.text).add(c.contentHash).add(c.tokenCount)
                                     .addVector(vectors[i]).add(spec.model).add(chunker)
                                     .addBytes(QJsonDocument(c.metadata).toJson(QJsonDocument::Compact))
                                     .addTextArray(s.document.acl).add(spec.provider).add(spec.dims).add(spec.version));
        }
        tx.commit();
        done += static_cast<qint64>(s.chunks.size());
        if (progress && (done % 2000) < static_cast<qint64>(s.chunks.size()))
            progress(meter.at(done));
    }
    return {done, timer.nsecsElapsed() / 1e9};
}

PathTiming bulk(db::PgConnection& conn, const std::vector<PreparedSource>& sources, int batchChunks,
                const ProgressFn& progress, const QString& phase)
{
    HashEmbedder embedder;
    BulkLoader loader(conn, embedder, {}, batchChunks);
    loader.setProgress([&](const LoadProgress& p) {
        if (progress) {
            LoadProgress named = p;
            named.phase = phase;
            progress(named);
        }
    });
    QElapsedTimer timer;
    timer.start();
    const IngestResult r = loader.load(QString::fromLatin1(kBenchMerchant), sources);
    return {r.chunksWritten + r.chunksUnchanged, timer.nsecsElapsed() / 1e9};
}

double buildIndex(db::PgConnection& conn, const QString& conninfo, const ProgressFn& progress)
{
    conn.exec("SET maintenance_work_mem = '1GB'");
    const QByteArray createIndex = QByteArray(kCreateHnswOn) + conn.exec(kGraphDefinition).text(0, 0).toUtf8();
    std::atomic<bool> finished{false};
    const int pid = conn.backendPid();
    std::thread watcher([&] {
        if (!progress)
            return;
        db::PgConnection observer = db::PgConnection::open(conninfo);
        QElapsedTimer timer;
        timer.start();
        while (!finished) {
            if (const auto p = readIndexBuildProgress(observer, pid)) {
                LoadProgress lp{QStringLiteral("hnsw: ") + p->phase, p->tuplesTotal > 0 ? p->tuplesDone : p->blocksDone,
                                p->tuplesTotal > 0 ? p->tuplesTotal : p->blocksTotal, timer.nsecsElapsed() / 1e9, 0, -1};
                if (lp.done > 0 && lp.elapsedSec > 0) {
                    lp.ratePerSec = lp.done / lp.elapsedSec;
                    lp.etaSec = (lp.total - lp.done) / lp.ratePerSec;
                }
                progress(lp);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
    });
    QElapsedTimer timer;
    timer.start();
    try {
        conn.exec(createIndex.constData());
    } catch (...) {
        finished = true;
        watcher.join();
        throw;
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    finished = true;
    watcher.join();
    return seconds;
}

} // namespace

IngestBenchReport runIngestBench(db::PgConnection& conn, const QString& conninfo, const IngestBenchOptions& options,
                                 const ProgressFn& progress)
{
    IngestBenchReport report;
    QElapsedTimer timer;
    timer.start();
    const std::vector<PreparedSource> sources = generate(options, report.documents, report.chunks);
    report.chunkingSeconds = timer.nsecsElapsed() / 1e9;

    QStringList texts;
    for (const PreparedSource& s : sources)
        for (const Chunk& c : s.chunks)
            texts << c.embedText();
    HashEmbedder embedder;
    timer.restart();
    for (qsizetype i = 0; i < texts.size(); i += 1000)
        embedder.embed(texts.mid(i, 1000));
    report.hashEmbedOnly = {texts.size(), timer.nsecsElapsed() / 1e9};
    texts.clear();

    try {
        if (options.rowByRow) {
            conn.execScript(QString::fromLatin1(kCreateSchema));
            conn.exec(kSearchPath);
            report.rowByRow = rowByRow(conn, sources, report.chunks, progress);
            conn.exec(kResetSearchPath);
        }
        conn.execScript(QString::fromLatin1(kCreateSchema));
        conn.exec(kSearchPath);
        report.bulk = bulk(conn, sources, options.batchChunks, progress, QStringLiteral("bulk"));
        report.bulkRerun = bulk(conn, sources, options.batchChunks, progress, QStringLiteral("bulk re-run"));
        conn.exec(kResetSearchPath);
        if (options.buildIndex) {
            conn.exec("ANALYZE ac_bench.chunks");
            report.indexSeconds = buildIndex(conn, conninfo, progress);
            report.indexSize = conn.exec(kIndexSize).text(0, 0);
        }
    } catch (...) {
        if (conn.isOk() && !conn.inTransaction() && !options.keepSchema) {
            conn.exec(kResetSearchPath);
            conn.exec(kDropSchema);
        }
        throw;
    }
    if (!options.keepSchema)
        conn.exec(kDropSchema);
    return report;
}

} // namespace ac::bench
