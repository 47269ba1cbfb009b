#pragma once

#include "db/pg_connection.h"

#include <QString>

namespace ac::security {

inline constexpr const char* kAgentsGroupRole = "agent_console_agents";

// Makes `role` an agent login: LOGIN, INHERIT, no SUPERUSER/CREATEDB/CREATEROLE/REPLICATION/
// BYPASSRLS, a member of agent_console_agents only, and, when `password` is non-empty, that
// password stored as a SCRAM-SHA-256 verifier computed here (the statement the server sees, and
// may log, never holds the password). Run through the owner connection. When the owner lacks
// CREATEROLE the db::DbError (42501) says which statements a superuser must run instead; a role
// that already exists with SUPERUSER or BYPASSRLS is refused (42501), never altered silently.
void provisionAgentRole(db::PgConnection& owner, const QString& role, const QString& password);

} // namespace ac::security
