#include "security/audit.h"

#include "retrieval/result_json.h"

#include <QCryptographicHash>

namespace ac::security {

namespace {

constexpr const char* kRecordRetrieval = "SELECT app.record_retrieval($1, $2, $3, $4, $5, $6, $7::bigint[])";
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

} // namespace

qint64 recordRetrieval(db::PgConnection& conn, const AuditEntry& entry)
{
    const QByteArray utf8 = entry.query.toUtf8();
    const QString digest = QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex());
    db::PgParams params;
    params.add(optionalText(entry.agentId))
        .add(optionalText(entry.merchantId))
        .add(digest)
        .add(static_cast<qint64>(entry.query.size()))
        .add(entry.mode)
        .add(entry.k)
        .addBytes(bigintArrayLiteral(entry.chunkIds));
    if (conn.inTransaction())  // the caller's transaction decides when and how it commits
        return conn.exec(kRecordRetrieval, params).integer(0, 0);
    db::Transaction tx(conn);
    conn.exec(kAsyncCommit);
    const qint64 id = conn.exec(kRecordRetrieval, params).integer(0, 0);
    tx.commit();
    return id;
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
