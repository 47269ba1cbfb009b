#pragma once

#include "console_types.h"
#include "db/pg_connection.h"

namespace ac::ui {

// The agents the login dialog offers, read through the owner connection. Demo passwords are
// attached only when the database is the embedded demo one.
AgentAccounts listAgentAccounts(db::PgConnection& owner, bool embeddedDemo);

struct AgentConnection {
    db::PgConnection conn;
    retrieval::AgentIdentity identity;
    bool ownRole = false;  // logged in as the agent's own database role (row-level security applies)
};

// The one place that decides how an agent logs in. When the agent has a database role, it is the
// agent's own SCRAM login (core/security) and the server derives the identity; a database without
// per-agent roles falls back to the owner connection and the agents table.
AgentConnection openAgentConnection(const DatabaseInfo& database, const AgentAccount& account, const QString& password);

// The agent's identity (ACL tokens) as the agents table holds it.
retrieval::AgentIdentity loadAgentIdentity(db::PgConnection& conn, const QString& agentId);

} // namespace ac::ui
