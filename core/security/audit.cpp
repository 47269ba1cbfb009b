#include "security/audit.h"

#include <QCryptographicHash>

namespace ac::security {

namespace {

constexpr const char* kRecordRetrieval = "SELECT app.record_retrieval($1, $2, $3, $4, $5, $6::bigint[])";

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

} // namespace

QString modeName(retrieval::Mode mode)
{
    switch (mode) {
    case retrieval::Mode::Vector: return QStringLiteral("vector");
    case retrieval::Mode::Lexical: return QStringLiteral("lexical");
    case retrieval::Mode::Hybrid: return QStringLiteral("hybrid");
    }
    return QStringLiteral("hybrid");
}

qint64 recordRetrieval(db::PgConnection& conn, const AuditEntry& entry)
{
    const QByteArray utf8 = entry.query.toUtf8();
    const QString digest = QString::fromLatin1(QCryptographicHash::hash(utf8, QCryptographicHash::Sha256).toHex());
    db::PgParams params;
    params.add(entry.agentId.isEmpty() ? std::optional<QString>() : std::optional<QString>(entry.agentId))
        .add(digest)
        .add(static_cast<qint64>(entry.query.size()))
        .add(entry.mode)
        .add(entry.k)
        .addBytes(bigintArrayLiteral(entry.chunkIds));
    return conn.exec(kRecordRetrieval, params).integer(0, 0);
}

qint64 recordRetrieval(db::PgConnection& conn, const retrieval::RetrievalRequest& request,
                       const retrieval::RetrievalResult& result)
{
    AuditEntry entry;
    entry.agentId = request.agent.agentId;
    entry.query = request.query;
    entry.mode = modeName(request.options.mode);
    entry.k = request.options.k;
    entry.chunkIds.reserve(result.chunks.size());
    for (const retrieval::RetrievedChunk& chunk : result.chunks)
        entry.chunkIds.push_back(chunk.chunkId);
    return recordRetrieval(conn, entry);
}

} // namespace ac::security
