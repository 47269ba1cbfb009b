#include "ingest_bench.h"

#include "ingest/bulk_loader.h"
#include "ingest/corpus_embedder.h"
#include "ingest/corpus_model.h"
#include "ingest/corpus_model_store.h"
#include "ingest/corpus_training.h"
#include "ingest/corpus_version.h"
#include "ingest/prepared_source.h"
#include "ingest/source_writer.h"
#include "synthetic_corpus.h"

#include <QElapsedTimer>
#include <QJsonDocument>

namespace ac::bench {

using namespace ac::ingest;

namespace {

const QString kRowsMerchant = QStringLiteral("bench-ingest-rows");
const QString kBulkMerchant = QStringLiteral("bench-ingest-bulk");
const QString kSmallMerchant = QStringLiteral("bench-ingest-small");

constexpr const char* kCreateMerchant = "INSERT INTO merchants (id, name, plan) VALUES ($1, 'Ingest benchmark', 'pro')";
// The partition goes first (no row-by-row delete through the statistics triggers), then the
// merchant with everything that cascades from it.
constexpr const char* kDropPartition =
    "SELECT format('DROP TABLE IF EXISTS %I.%I', app.chunks_schema(), app.chunk_partition_name($1))";
constexpr const char* kDropMerchant = "DELETE FROM merchants WHERE id = $1";
constexpr const char* kChunkCount = "SELECT count(*) FROM chunks WHERE merchant_id = $1";
constexpr const char* kGraphSize =
    "SELECT pg_size_pretty(sum(pg_relation_size(format('%I.%I', app.chunks_schema(), g.graph)::regclass))) "
    "FROM app.partition_graphs($1) g";

// The seed's loader, row by row: one INSERT ... ON CONFLICT per chunk, text-format vectors.
constexpr const char* kRowDocument =
    "INSERT INTO support_documents (id, merchant_id, title, full_text, category, acl, source_path, content_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, "
    "full_text = EXCLUDED.full_text, acl = EXCLUDED.acl, content_hash = EXCLUDED.content_hash, updated_at = now()";
constexpr const char* kRowChunk =
    "INSERT INTO chunks (merchant_id, corpus_version, source_type, document_id, chunk_index, heading_path, section, "
    " citation, chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, metadata, acl, "
    " embedding_provider, embedding_dims, embedding_version) "
    "VALUES ($1, $2, 'document', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) "
    "ON CONFLICT (merchant_id, document_id, ticket_id, corpus_version, chunk_index) DO UPDATE SET "
    " chunk_text = EXCLUDED.chunk_text, embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata, acl = EXCLUDED.acl";

void dropScratch(db::PgConnection& conn, const QString& merchant)
{
    conn.exec(conn.exec(kDropPartition, db::PgParams().add(merchant)).text(0, 0));
    conn.exec(kDropMerchant, db::PgParams().add(merchant));
}

std::vector<PreparedSource> generate(const IngestBenchOptions& options, const QString& merchant, int& documents,
                                     qint64& chunks)
{
    const SyntheticCorpus corpus({options.seed, 1, 1, 1, 0.0});
    std::vector<PreparedSource> out;
    chunks = 0;
    for (int i = 0; chunks < options.chunks; ++i) {
        DocumentSource d = corpus.document(0, i);
        d.merchantId = merchant;
        out.push_back(prepareDocument(d, ChunkerOptions{}));
        chunks += static_cast<qint64>(out.back().chunks.size());
    }
    documents = static_cast<int>(out.size());
    return out;
}

// A ticket or FAQ export: each document one sentence, a customer's first message.
std::vector<PreparedSource> oneSentenceDocuments(const IngestBenchOptions& options, const QString& merchant)
{
    const SyntheticCorpus corpus({options.seed, 1, 1, 1, 0.0});
    std::vector<PreparedSource> out;
    for (int i = 0; i < options.smallDocuments; ++i) {
        const TicketSource t = corpus.ticket(0, i);
        DocumentSource d;
        d.id = QStringLiteral("%1-q%2").arg(merchant).arg(i);
        d.merchantId = merchant;
        d.title = QStringLiteral("Question %1").arg(i);
        d.acl = {QStringLiteral("role:staff")};
        const QString body = t.messages.front().body;
        const qsizetype end = body.indexOf(QLatin1Char('.'));
        d.markdown = end > 0 ? body.left(end + 1) : body;
        out.push_back(prepareDocument(d, ChunkerOptions{}));
    }
    return out;
}

// For a merchant that has none: its corpus version 1 for this embedder (and its partition and graph).
void createLiveVersion(db::PgConnection& conn, const QString& merchant, const EmbeddingSpec& spec)
{
    db::Transaction tx(conn);
    lockMerchantCorpus(conn, merchant);
    ensureLiveCorpus(conn, merchant, spec, SourceWriter::chunkerVersion());
    tx.commit();
}

PathTiming rowByRow(db::PgConnection& conn, Embedder& embedder, const std::vector<PreparedSource>& sources,
                    qint64 total, const ProgressFn& progress)
{
    const EmbeddingSpec spec = embedder.spec();
    const QString chunker = SourceWriter::chunkerVersion();
    createLiveVersion(conn, kRowsMerchant, spec);
    const int version = liveCorpus(conn, kRowsMerchant)->version;
    const ProgressMeter meter(QStringLiteral("row-by-row"), total);
    QElapsedTimer timer;
    timer.start();
    qint64 done = 0;
    for (const PreparedSource& s : sources) {
        QStringList texts;
        for (const Chunk& c : s.chunks)
            texts << c.embedText();
        const std::vector<Embedding> vectors = embedder.embed(texts);
        const QString id = QStringLiteral("rows-") + s.document.id;  // document ids are global
        db::Transaction tx(conn);
        conn.exec(kRowDocument, db::PgParams().add(id).add(kRowsMerchant).add(s.document.title)
                                    .add(s.document.markdown).add(s.document.category).addTextArray(s.document.acl)
                                    .add(s.document.sourcePath).add(s.contentHash()));
        for (size_t i = 0; i < s.chunks.size(); ++i) {
            const Chunk& c = s.chunks[i];
            conn.exec(kRowChunk, db::PgParams().add(kRowsMerchant).add(version).add(id).add(c.index)
                                     .add(c.headingPath).add(c.section).add(c.citation).add(c.text).add(c.contentHash)
                                     .add(c.tokenCount).addVector(vectors[i]).add(spec.model).add(chunker)
                                     .addBytes(QJsonDocument(c.metadata).toJson(QJsonDocument::Compact))
                                     .addTextArray(s.document.acl).add(spec.provider).add(spec.dims).add(spec.version));
        }
        tx.commit();
        done += static_cast<qint64>(s.chunks.size());
        if (progress && (done % 2000) < static_cast<qint64>(s.chunks.size()))
            progress(meter.at(done));
    }
    return {done, timer.nsecsElapsed() / 1e9, 0.0};
}

PathTiming bulk(db::PgConnection& conn, const QString& conninfo, Embedder& embedder, const QString& merchant,
                std::vector<PreparedSource> sources, int batchChunks, const ProgressFn& progress, const QString& phase)
{
    BulkLoader loader(conn, embedder, {}, batchChunks);
    loader.setConninfo(conninfo);
    loader.setProgress([&](const LoadProgress& p) {
        if (progress) {
            LoadProgress named = p;
            named.phase = p.phase == QLatin1String("graphs") ? phase + QStringLiteral(": graphs") : phase;
            progress(named);
        }
    });
    QElapsedTimer timer;
    timer.start();
    const IngestResult r = loader.load(merchant, std::move(sources));
    return {r.chunksWritten + r.chunksUnchanged, timer.nsecsElapsed() / 1e9, r.graphSeconds};
}

SmallDocumentsRun smallDocuments(db::PgConnection& conn, const QString& conninfo, const IngestBenchOptions& options,
                                 const ProgressFn& progress)
{
    std::vector<PreparedSource> sources = oneSentenceDocuments(options, kSmallMerchant);
    SmallDocumentsRun run;
    run.documents = static_cast<int>(sources.size());
    conn.exec(kCreateMerchant, db::PgParams().add(kSmallMerchant));
    QElapsedTimer timer;
    timer.start();
    // As `ragctl load` does for a merchant's first load: a model trained on what is about to be written.
    std::unique_ptr<Embedder> embedder = embedderForLoad(conn, kSmallMerchant, EmbedderConfig{}, embedTexts(sources));
    run.trainingSeconds = timer.nsecsElapsed() / 1e9;
    run.load = bulk(conn, conninfo, *embedder, kSmallMerchant, std::move(sources), options.batchChunks, progress,
                    QStringLiteral("small docs"));
    return run;
}

} // namespace

IngestBenchReport runIngestBench(db::PgConnection& conn, const QString& conninfo, const IngestBenchOptions& options,
                                 const ProgressFn& progress)
{
    for (const QString& m : {kRowsMerchant, kBulkMerchant, kSmallMerchant})
        dropScratch(conn, m);  // what a killed run left

    IngestBenchReport report;
    QElapsedTimer timer;
    timer.start();
    std::vector<PreparedSource> sources = generate(options, kBulkMerchant, report.documents, report.chunks);
    report.chunkingSeconds = timer.nsecsElapsed() / 1e9;

    QStringList texts = embedTexts(sources);
    timer.restart();
    auto model = std::make_shared<const CorpusModel>(CorpusModel::train(texts, CorpusModelOptions{}, progress));
    report.trainingSeconds = timer.nsecsElapsed() / 1e9;
    report.dims = model->dims();
    CorpusEmbedder embedder(model);
    timer.restart();
    for (qsizetype i = 0; i < texts.size(); i += 1000)
        embedder.embed(texts.mid(i, 1000));
    report.embedOnly = {texts.size(), timer.nsecsElapsed() / 1e9, 0.0};
    texts.clear();

    try {
        for (const QString& m : {kRowsMerchant, kBulkMerchant}) {
            conn.exec(kCreateMerchant, db::PgParams().add(m));
            saveCorpusModel(conn, m, *model, report.trainingSeconds);
        }
        if (options.rowByRow)
            report.rowByRow = rowByRow(conn, embedder, sources, report.chunks, progress);
        report.bulk = bulk(conn, conninfo, embedder, kBulkMerchant, sources, options.batchChunks, progress,
                           QStringLiteral("bulk"));
        report.bulkRerun = bulk(conn, conninfo, embedder, kBulkMerchant, std::move(sources), options.batchChunks,
                                progress, QStringLiteral("bulk re-run"));
        if (conn.exec(kChunkCount, db::PgParams().add(kBulkMerchant)).integer(0, 0) != report.chunks)
            throw std::runtime_error("the bulk path did not store every chunk");
        if (report.rowByRow && conn.exec(kChunkCount, db::PgParams().add(kRowsMerchant)).integer(0, 0) != report.chunks)
            throw std::runtime_error("the row-by-row path did not store every chunk");
        report.graphSize = conn.exec(kGraphSize, db::PgParams().add(kBulkMerchant)).text(0, 0);
        if (options.smallDocuments > 0) {
            report.small = smallDocuments(conn, conninfo, options, progress);
            // A daily export into a merchant that holds far more: not deferred, into the graph as it is.
            report.smallIntoLarge = bulk(conn, conninfo, embedder, kBulkMerchant,
                                         oneSentenceDocuments(options, kBulkMerchant), options.batchChunks, progress,
                                         QStringLiteral("small docs into large"));
        }
    } catch (...) {
        if (conn.isOk() && !conn.inTransaction())
            for (const QString& m : {kRowsMerchant, kBulkMerchant, kSmallMerchant})
                dropScratch(conn, m);
        throw;
    }
    for (const QString& m : {kRowsMerchant, kBulkMerchant, kSmallMerchant})
        dropScratch(conn, m);
    return report;
}

} // namespace ac::bench
