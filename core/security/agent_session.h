#pragma once

#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <QString>

namespace ac::bootstrap {
struct PreparedDatabase;
}

namespace ac::security {

// How an agent session is opened. Either way the database, not the client, decides who the agent
// is: the identity is read back from the server for the role the session runs as (current_user).
struct AgentLogin {
    enum class Method {
        Password,      // the agent's own database login (console); SCRAM over the socket or TLS
        OwnerSetRole,  // an owner connection that switches to the agent's role (ragctl, tools)
    };
    Method method = Method::Password;
    QString agent;     // agent id ("u3") or its database role ("agent_u3")
    QString password;  // Password only; empty: libpq's PGPASSWORD, PGPASSFILE or ~/.pgpass
};

struct AgentSession {
    db::PgConnection connection;        // runs as the agent's role; row-level security applies
    retrieval::AgentIdentity identity;  // derived on the server from current_user
    QString role;                       // the agent's database role
};

// SQLSTATEs openAgentSession throws besides connection failures (08xxx).
namespace sqlstate {
inline constexpr const char* kInvalidAuthorization = "28000";  // unknown agent, or a role that is no agent
inline constexpr const char* kInvalidPassword = "28P01";       // the server refused the credentials
inline constexpr const char* kUnsafeRole = "42501";            // the role is superuser or BYPASSRLS
} // namespace sqlstate

// Opens a session as the agent. `conninfo` names the server (conninfo string or URI): for
// OwnerSetRole it must log in as the schema owner; for Password its user is replaced by the
// agent's role. Throws db::DbError with one of the SQLSTATEs above; messages never contain
// the password.
AgentSession openAgentSession(const QString& conninfo, const AgentLogin& login);

// The same against a prepared database; for Password on the embedded cluster an agent id is
// resolved to its role through the owner first.
AgentSession openAgentSession(const bootstrap::PreparedDatabase& database, const AgentLogin& login);

// The identity the server derives for the session's current role; throws 28000 when that role is
// not an agent and 42501 when it could bypass row-level security.
retrieval::AgentIdentity currentAgent(db::PgConnection& conn);

// Switches an owner connection to the agent's role (SET ROLE, so row-level security applies from
// now on) and returns the identity the server derives for it. What openAgentSession does for
// OwnerSetRole, for callers that already hold the owner connection (ragctl).
retrieval::AgentIdentity becomeAgent(db::PgConnection& owner, const QString& agentOrRole);

// The database role of an agent given by id or role name, read through an owner connection.
QString resolveAgentRole(db::PgConnection& owner, const QString& agentOrRole);

} // namespace ac::security
