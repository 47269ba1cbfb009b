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
};

// The one place that decides how an agent logs in: always as the agent's own database role (SCRAM,
// core/security), so row-level security applies and the server derives the identity. An agent
// without a database role cannot log in (SQLSTATE 28000); the owner connection is never handed out.
// onReplica: to the read replica, when the database has one (else where agents log in).
AgentConnection openAgentConnection(const DatabaseInfo& database, const AgentAccount& account, const QString& password,
                                    bool onReplica = false);

} // namespace ac::ui
