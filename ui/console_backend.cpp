#include "console_backend.h"

#include "source_loader.h"

#include <libpq-fe.h>

namespace ac::ui {

namespace {

constexpr const char* kVersions = R"sql(
SELECT current_setting('server_version'),
       coalesce((SELECT extversion FROM pg_extension WHERE extname = 'vector'), 'not installed'))sql";

QString libpqVersion()
{
    const int v = PQlibVersion();
    return QStringLiteral("%1.%2").arg(v / 10000).arg(v % 10000);
}

} // namespace

SourceDocument ConsoleBackend::loadSource(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                          const QString& sourceType, const QString& sourceId)
{
    return loadSourceDocument(conn, agent, sourceType, sourceId);
}

agent::ReplyDraft ConsoleBackend::draft(db::PgConnection& /*conn*/, const agent::ContextPack& pack,
                                        const std::function<void(const QString&)>& /*onDelta*/,
                                        const std::atomic<bool>* /*stop*/)
{
    return agent::composeTemplateReply(pack);
}

ServerVersions ConsoleBackend::versions(db::PgConnection& conn)
{
    const db::PgResult row = conn.exec(kVersions);
    return ServerVersions{QString::fromLatin1(qVersion()), libpqVersion(), row.text(0, 0), row.text(0, 1)};
}

} // namespace ac::ui
