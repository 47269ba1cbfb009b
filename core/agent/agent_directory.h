#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <optional>

namespace ac::agent {

// Who an agent is and which ACL tokens it carries, from the agents table.
class AgentDirectory {
public:
    explicit AgentDirectory(db::PgConnection& conn) : conn_(conn) {}

    std::optional<retrieval::AgentIdentity> byId(const QString& agentId);
    // The agent whose db_role is the connection's login role (agents signed in as themselves).
    std::optional<retrieval::AgentIdentity> forCurrentRole();

private:
    db::PgConnection& conn_;
};

} // namespace ac::agent
