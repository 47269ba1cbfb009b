#include "agent/agent_directory.h"

#include "agent/agent_sql.h"

namespace ac::agent {

namespace {

std::optional<retrieval::AgentIdentity> firstAgent(const db::PgResult& r)
{
    if (r.empty())
        return std::nullopt;
    retrieval::AgentIdentity a;
    a.agentId = r.text(0, "id");
    a.merchantId = r.text(0, "merchant_id");
    a.displayName = r.text(0, "display_name");
    a.kind = r.text(0, "kind");
    a.aclTokens = r.textArray(0, "acl_tokens");
    return a;
}

} // namespace

std::optional<retrieval::AgentIdentity> AgentDirectory::byId(const QString& agentId)
{
    return firstAgent(conn_.exec(sql::kAgentById, db::PgParams().add(agentId)));
}

} // namespace ac::agent
