#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <optional>

namespace ac::agent {

// Who an agent is and which ACL tokens it carries, from the agents table, for owner-side lookups
// (validating --agent before switching to its role). An agent's own session gets its identity
// from the server instead: security::currentAgent().
class AgentDirectory {
public:
    explicit AgentDirectory(db::PgConnection& conn) : conn_(conn) {}

    std::optional<retrieval::AgentIdentity> byId(const QString& agentId);

private:
    db::PgConnection& conn_;
};

// One agent from a row with columns agent_id, merchant_id, display_name, kind, acl_tokens.
retrieval::AgentIdentity agentIdentityFromRow(const db::PgResult& result, int row);

} // namespace ac::agent
