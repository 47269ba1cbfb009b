#include "agent/agent_directory.h"

#include "agent/agent_sql.h"

namespace ac::agent {

retrieval::AgentIdentity agentIdentityFromRow(const db::PgResult& result, int row)
{
    retrieval::AgentIdentity a;
    a.agentId = result.text(row, "agent_id");
    a.merchantId = result.text(row, "merchant_id");
    a.displayName = result.text(row, "display_name");
    a.kind = result.text(row, "kind");
    a.aclTokens = result.textArray(row, "acl_tokens");
    return a;
}

std::optional<retrieval::AgentIdentity> AgentDirectory::byId(const QString& agentId)
{
    const db::PgResult r = conn_.exec(sql::kAgentById, db::PgParams().add(agentId));
    if (r.empty())
        return std::nullopt;
    return agentIdentityFromRow(r, 0);
}

} // namespace ac::agent
