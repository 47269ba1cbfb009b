#include "security/audit.h"

#include "retrieval/result_json.h"

#include <QCryptographicHash>

namespace ac::security {

namespace {

constexpr const char* kRecordRetrieval = "SELECT app.record_retrieval($1, $2, $3, $4, $5, $6, $7::bigint[])";
constexpr const char* kRecordDraft = "SELECT app.record_draft($1, $2, $3, $4, $5::text[], $6::bigint[], $7::text[], $8::text[], "
                                     "$9, $10, $11, $12::text[])";
// The audit row commits without waiting for its WAL flush (about 7 ms per retrieval on this
// machine's disk, 1 ms without): a server crash may lose the last fraction of a second of audit
// rows, never corrupt or reorder them, and agents still cannot write them.
constexpr const char* kAsyncCommit = "SELECT set_config('synchronous_commit', 'off', true)";

QByteArray bigintArrayLiteral(const std::vector<qint64>& ids)
{
    QByteArray out("{");
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i > 0)
            out += ',';
        out += QByteArray::number(ids[i]);
    }
    out += '}';
    return out;
}

std::optional<QString> optionalText(const QString& value)
{
    return value.isEmpty() ? std::nullopt : std::optional<QString>(value);
}

QString sha256(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// Outside a transaction the row commits on its own, asynchronously; inside, the caller's decides.
qint64 appendAuditRow(db::PgConnection& conn, const char* sql, const db::PgParams& params)
{
    if (conn.inTransaction())
        return conn.exec(sql, params).integer(0, 0);
    db::Transaction tx(conn);
    conn.exec(kAsyncCommit);
    const qint64 id = conn.exec(sql, params).integer(0, 0);
    tx.commit();
    return id;
}

} // namespace

qint64 recordRetrieval(db::PgConnection& conn, const AuditEntry& entry)
{
    const QString digest = sha256(entry.query);
    db::PgParams params;
    params.add(optionalText(entry.agentId))
        .add(optionalText(entry.merchantId))
        .add(digest)
        .add(static_cast<qint64>(entry.query.size()))
        .add(entry.mode)
        .add(entry.k)
        .addBytes(bigintArrayLiteral(entry.chunkIds));
    return appendAuditRow(conn, kRecordRetrieval, params);
}

qint64 recordDraft(db::PgConnection& conn, const agent::ContextPack& pack, const agent::ReplyDraft& draft)
{
    std::vector<qint64> chunkIds;
    for (const retrieval::RetrievedChunk& c : pack.chunks)
        chunkIds.push_back(c.chunkId);
    db::PgParams params;
    params.add(optionalText(pack.agent.agentId))
        .add(optionalText(pack.agent.merchantId))
        .add(sha256(pack.message))
        .add(static_cast<qint64>(pack.message.size()))
        .addTextArray(agent::packCitations(pack))
        .addBytes(bigintArrayLiteral(chunkIds))
        .addTextArray(draft.citations)
        .addTextArray(draft.removed)
        .add(draft.generator)
        .add(draft.model)
        .add(draft.totalMs)
        .addTextArray(draft.flags);
    return appendAuditRow(conn, kRecordDraft, params);
}

qint64 recordRetrieval(db::PgConnection& conn, const retrieval::RetrievalRequest& request,
                       const retrieval::RetrievalResult& result)
{
    AuditEntry entry;
    entry.agentId = request.agent.agentId;
    entry.merchantId = request.agent.merchantId;
    entry.query = request.query;
    entry.mode = retrieval::modeName(request.options.mode);
    entry.k = request.options.k;
    entry.chunkIds.reserve(result.chunks.size());
    for (const retrieval::RetrievedChunk& chunk : result.chunks)
        entry.chunkIds.push_back(chunk.chunkId);
    return recordRetrieval(conn, entry);
}

} // namespace ac::security
