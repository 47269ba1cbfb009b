#include "ingest/source_writer.h"

#include "db/db_error.h"
#include "ingest/binary_copy.h"
#include "ingest/corpus_version.h"
#include "ingest/ingest_error.h"
#include "ingest/ingest_sql.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace ac::ingest {

namespace {

// Small batches (a single document) plan fine without statistics; ANALYZE would cost more than it saves.
constexpr qint64 kAnalyzeFromChunks = 500;

QString kindName(SourceKind kind) { return kind == SourceKind::Document ? QStringLiteral("document") : QStringLiteral("ticket"); }

} // namespace

void SourceWriter::checkSources(const std::vector<PreparedSource>& batch)
{
    QSet<QString> seen[2];
    for (const PreparedSource& source : batch) {
        QSet<QString>& ids = seen[source.kind == SourceKind::Document ? 0 : 1];
        if (ids.contains(source.id()))
            throw IngestError(QStringLiteral("%1 id \"%2\" appears more than once in this load%3")
                                  .arg(kindName(source.kind), source.id(),
                                       source.document.sourcePath.isEmpty()
                                           ? QString()
                                           : QStringLiteral(" (again in %1)").arg(source.document.sourcePath)));
        ids.insert(source.id());
        if (source.acl().isEmpty())
            throw IngestError(QStringLiteral("%1 %2 has an empty acl, so no agent could read it: give it an acl "
                                             "(front matter `acl: [role:staff]`, or --acl)")
                                  .arg(kindName(source.kind), source.id()));
    }
}

SourceWriter::SourceWriter(db::PgConnection& conn, Embedder& embedder, WriteOptions options)
    : conn_(conn), embedder_(embedder), options_(options), spec_(embedder.spec())
{
}

QString SourceWriter::chunkerVersion() { return ChunkerOptions{}.version(); }

BatchPlan SourceWriter::prepare(const QString& merchantId, std::vector<PreparedSource>& batch, IngestResult& result)
{
    const BatchPlan planned = plan(merchantId, batch);
    result.chunksEmbedded += embedMissing(batch);
    return planned;
}

BatchPlan SourceWriter::plan(const QString& merchantId, std::vector<PreparedSource>& batch)
{
    requireMerchant(conn_, merchantId);
    checkSources(batch);
    BatchPlan planned{merchantId, std::nullopt};
    if (const std::optional<CorpusVersion> live = liveCorpus(conn_, merchantId)) {
        checkCompatible(*live, spec_, merchantId);
        planned.version = live->version;
        planReuse(merchantId, live->version, batch);
    }
    return planned;
}

void SourceWriter::planReuse(const QString& merchantId, int version, std::vector<PreparedSource>& batch)
{
    for (const SourceKind kind : {SourceKind::Document, SourceKind::Ticket}) {
        QStringList ids;
        for (const PreparedSource& source : batch)
            if (source.kind == kind)
                ids << source.id();
        if (ids.isEmpty())
            continue;
        const db::PgResult rows = conn_.exec(
            kind == SourceKind::Document ? sql::kExistingDocumentHashes : sql::kExistingTicketHashes,
            db::PgParams().add(merchantId).add(version).add(spec_.model).add(spec_.version).addTextArray(ids));
        // source id -> content hash -> stored chunk indexes
        QHash<QString, QHash<QString, QList<int>>> stored;
        for (int r = 0; r < rows.rows(); ++r)
            stored[rows.text(r, 0)][rows.text(r, 2)].append(static_cast<int>(rows.integer(r, 1)));
        for (PreparedSource& source : batch) {
            if (source.kind != kind)
                continue;
            const auto byHash = stored.constFind(source.id());
            if (byHash == stored.constEnd())
                continue;
            for (size_t i = 0; i < source.chunks.size(); ++i) {
                const auto indexes = byHash->constFind(source.chunks[i].contentHash);
                if (indexes == byHash->constEnd())
                    continue;
                const int own = source.chunks[i].index;
                source.reuseIndex[i] = indexes->contains(own) ? own : indexes->first();
            }
        }
    }
}

int SourceWriter::embedMissing(std::vector<PreparedSource>& batch)
{
    QStringList texts;
    std::vector<std::pair<size_t, size_t>> targets;
    for (size_t s = 0; s < batch.size(); ++s)
        for (size_t i = 0; i < batch[s].chunks.size(); ++i)
            if (!batch[s].reuseIndex[i]) {
                texts << batch[s].chunks[i].embedText();
                targets.emplace_back(s, i);
            }
    if (texts.isEmpty())
        return 0;
    std::vector<Embedding> vectors = embedder_.embed(texts);
    if (vectors.size() != targets.size())
        throw EmbeddingError(QStringLiteral("the embedder returned %1 vectors for %2 texts").arg(vectors.size()).arg(targets.size()));
    for (size_t k = 0; k < targets.size(); ++k) {
        if (static_cast<int>(vectors[k].size()) != spec_.dims)
            throw EmbeddingError(QStringLiteral("the embedder returned a %1-dimensional vector; expected %2")
                                     .arg(vectors[k].size()).arg(spec_.dims));
        batch[targets[k].first].embeddings[targets[k].second] = std::move(vectors[k]);
    }
    return static_cast<int>(targets.size());
}

void SourceWriter::ensureStaging()
{
    if (conn_.exec(sql::kStagingExists).boolean(0, 0))
        return;
    try {
        conn_.exec(sql::kStagingBuffers);
    } catch (const db::DbError&) {
        // This session used temporary tables before: they keep the buffers they have.
    }
    conn_.execScript(QString::fromLatin1(sql::kCreateStaging));
}

void SourceWriter::stageSources(std::vector<PreparedSource>& batch)
{
    BinaryCopyEncoder documents, tickets, messages;
    int documentCount = 0, ticketCount = 0;
    for (const PreparedSource& source : batch) {
        const auto chunkCount = static_cast<qint32>(source.chunks.size());
        if (source.kind == SourceKind::Document) {
            const DocumentSource& d = source.document;
            documents.beginRow(8);
            documents.addText(d.id);
            documents.addText(d.title);
            documents.addText(d.markdown);
            documents.addText(d.category.isEmpty() ? std::nullopt : std::optional<QString>(d.category));
            documents.addTextArray(d.acl);
            documents.addText(d.sourcePath.isEmpty() ? std::nullopt : std::optional<QString>(d.sourcePath));
            documents.addText(source.contentHash());
            documents.addInt4(chunkCount);
            ++documentCount;
            continue;
        }
        const TicketSource& t = source.ticket;
        tickets.beginRow(10);
        tickets.addText(t.id);
        tickets.addText(t.customerId);
        tickets.addText(t.orderNumber);
        tickets.addText(t.messages.front().body);
        tickets.addText(t.status);
        tickets.addText(t.category.isEmpty() ? std::nullopt : std::optional<QString>(t.category));
        tickets.addTextArray(t.acl);
        tickets.addTimestamp(t.createdAt);
        tickets.addInt4(static_cast<qint32>(t.messages.size()));
        tickets.addInt4(chunkCount);
        qint32 seq = 0;
        for (const TicketMessage& m : t.messages) {
            messages.beginRow(5);
            messages.addText(t.id);
            messages.addInt4(++seq);
            messages.addText(m.author);
            messages.addText(m.body);
            messages.addTimestamp(m.createdAt);
        }
        ++ticketCount;
    }

    if (documentCount > 0)
        copyIn(conn_, sql::kCopyDocuments, documents.finish());
    if (ticketCount > 0) {
        copyIn(conn_, sql::kCopyTickets, tickets.finish());
        copyIn(conn_, sql::kCopyMessages, messages.finish());
    }
}

void SourceWriter::mergeSources(const QString& merchantId, std::vector<PreparedSource>& batch)
{
    const bool documents = std::any_of(batch.begin(), batch.end(), [](const PreparedSource& s) { return s.kind == SourceKind::Document; });
    const bool tickets = std::any_of(batch.begin(), batch.end(), [](const PreparedSource& s) { return s.kind == SourceKind::Ticket; });
    const db::PgParams merchant = db::PgParams().add(merchantId);
    if (documents) {
        if (const db::PgResult foreign = conn_.exec(sql::kForeignDocument, merchant); !foreign.empty())
            throw IngestError(QStringLiteral("document id \"%1\" already belongs to merchant %2; document ids are "
                                             "global, choose another id").arg(foreign.text(0, 0), foreign.text(0, 1)));
        conn_.exec(sql::kMergeDocuments, merchant);
    }
    if (tickets) {
        if (const db::PgResult foreign = conn_.exec(sql::kForeignTicket, merchant); !foreign.empty())
            throw IngestError(QStringLiteral("ticket id \"%1\" already belongs to merchant %2; ticket ids are global, "
                                             "choose another id").arg(foreign.text(0, 0), foreign.text(0, 1)));
        if (options_.createMissingCustomers)
            conn_.exec(sql::kCreateCustomers, merchant);
        else if (const db::PgResult missing = conn_.exec(sql::kMissingCustomer, merchant); !missing.empty())
            throw IngestError(QStringLiteral("ticket %1: customer \"%2\" is not a customer of merchant %3 (load the "
                                             "customer first, or pass --create-customers)")
                                  .arg(missing.text(0, 0), missing.text(0, 1), merchantId));
        conn_.exec(sql::kUpdateTickets, merchant);
        conn_.exec(sql::kInsertTickets, merchant);
        conn_.exec(sql::kUpdateMessages);
        conn_.exec(sql::kInsertMessages);
        conn_.exec(sql::kDeleteExtraMessages);
    }
}

void SourceWriter::stageChunks(std::vector<PreparedSource>& batch)
{
    // Sent in pieces so a large batch never holds all its vectors twice in memory.
    constexpr qsizetype kFlushBytes = 16 << 20;
    BinaryCopyEncoder rows;
    bool pending = false;
    auto flush = [&] {
        if (pending)
            copyIn(conn_, sql::kCopyChunks, rows.finish());
        pending = false;
    };
    for (const PreparedSource& source : batch) {
        const bool isDocument = source.kind == SourceKind::Document;
        for (size_t i = 0; i < source.chunks.size(); ++i) {
            const Chunk& c = source.chunks[i];
            rows.beginRow(14);
            rows.addText(kindName(source.kind));
            rows.addText(isDocument ? std::optional<QString>(source.id()) : std::nullopt);
            rows.addText(isDocument ? std::nullopt : std::optional<QString>(source.id()));
            rows.addInt4(c.index);
            rows.addInt4(source.reuseIndex[i] ? std::optional<qint32>(*source.reuseIndex[i]) : std::nullopt);
            rows.addText(c.headingPath);
            rows.addText(c.section);
            rows.addText(c.citation);
            rows.addText(c.text);
            rows.addText(c.contentHash);
            rows.addInt4(c.tokenCount);
            if (source.reuseIndex[i])
                rows.addNull();
            else
                rows.addVector(source.embeddings[i]);
            rows.addJsonb(c.metadata);
            rows.addTextArray(source.acl());
            pending = true;
            if (rows.size() >= kFlushBytes)
                flush();
        }
    }
    flush();
}

void SourceWriter::write(const BatchPlan& plan, std::vector<PreparedSource>& batch, IngestResult& result,
                         const std::function<void()>& beforeCommit)
{
    if (batch.empty())
        return;
    ensureStaging();
    db::Transaction tx(conn_);
    // A merchant with a live version takes writes side by side; creating the first one is done alone.
    lockMerchantCorpus(conn_, plan.merchantId, plan.version ? CorpusLock::Shared : CorpusLock::Exclusive);
    const CorpusVersion live = ensureLiveCorpus(conn_, plan.merchantId, spec_, chunkerVersion());
    if (plan.version && *plan.version != live.version)
        throw IngestError(QStringLiteral("merchant %1's live corpus changed from version %2 to %3 during this load "
                                         "(a re-embed switched it); run the load again")
                              .arg(plan.merchantId).arg(*plan.version).arg(live.version));
    result.corpusVersion = live.version;

    stageSources(batch);
    stageChunks(batch);
    qint64 total = 0;
    for (const PreparedSource& source : batch)
        total += static_cast<qint64>(source.chunks.size());
    if (total >= kAnalyzeFromChunks)
        conn_.exec(sql::kAnalyzeStaging);
    mergeSources(plan.merchantId, batch);
    const db::PgResult merged = conn_.exec(sql::kMergeChunks, db::PgParams()
                                                                 .add(plan.merchantId)
                                                                 .add(live.version)
                                                                 .add(spec_.model)
                                                                 .add(chunkerVersion())
                                                                 .add(spec_.provider)
                                                                 .add(spec_.dims)
                                                                 .add(spec_.version));
    const db::PgParams version = db::PgParams().add(plan.merchantId).add(live.version);
    const qint64 deleted = conn_.exec(sql::kDeleteStaleDocumentChunks, version).affectedRows()
                           + conn_.exec(sql::kDeleteStaleTicketChunks, version).affectedRows();
    if (beforeCommit)
        beforeCommit();
    tx.commit();

    result.chunksWritten += static_cast<int>(merged.affectedRows());
    result.chunksUnchanged += static_cast<int>(total - merged.affectedRows());
    result.chunksDeleted += static_cast<int>(deleted);
}

IngestResult SourceWriter::ingest(const QString& merchantId, std::vector<PreparedSource>& batch)
{
    IngestResult result;
    const BatchPlan plan = prepare(merchantId, batch, result);
    write(plan, batch, result);
    return result;
}

} // namespace ac::ingest
