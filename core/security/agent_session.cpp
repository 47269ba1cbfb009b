#include "security/agent_session.h"

#include "agent/agent_directory.h"
#include "bootstrap/database_bootstrap.h"
#include "db/db_error.h"
#include "security/conninfo_tools.h"

#include <libpq-fe.h>

namespace ac::security {

namespace {

constexpr const char* kCurrentAgent =
    "SELECT a.agent_id, a.merchant_id, a.display_name, a.kind, a.acl_tokens, r.rolsuper, r.rolbypassrls "
    "FROM pg_catalog.pg_roles r LEFT JOIN app.current_agent() a ON true "
    "WHERE r.rolname = current_user";
constexpr const char* kResolveRole =
    "SELECT db_role FROM agents WHERE (id = $1 OR db_role = $1) AND db_role IS NOT NULL "
    "ORDER BY (id = $1) DESC LIMIT 1";
constexpr const char* kSetRole = "SELECT pg_catalog.set_config('role', $1, false)";
constexpr const char* kCurrentUser = "SELECT current_user";

db::DbError unknownAgent(const QString& agent)
{
    return db::DbError(QStringLiteral("no agent \"%1\" with a database role exists (give the agent a \"db_role\" in its "
                                      "merchant.json and load it again with ragctl seed --fixtures DIR)").arg(agent),
                       QString::fromLatin1(sqlstate::kInvalidAuthorization));
}

constexpr int kMaxNameBytes = 63;

db::DbError refused()
{
    return db::DbError(QStringLiteral("login refused: wrong agent or password"),
                       QString::fromLatin1(sqlstate::kInvalidPassword));
}

// A failed login says nothing about which part was wrong; whether the server answered at all
// separates "refused" from "unreachable" without reading libpq's message text.
db::PgConnection loginAs(const QString& conninfo)
{
    try {
        return db::PgConnection::open(conninfo);
    } catch (const db::DbError& error) {
        const QByteArray utf8 = conninfo.toUtf8();
        if (PQping(utf8.constData()) == PQPING_OK)
            throw refused();
        throw;
    }
}

AgentSession finish(db::PgConnection conn, const QString& role)
{
    retrieval::AgentIdentity identity = currentAgent(conn);
    return AgentSession{std::move(conn), std::move(identity), role};
}

} // namespace

retrieval::AgentIdentity currentAgent(db::PgConnection& conn)
{
    const db::PgResult row = conn.exec(kCurrentAgent);
    if (row.empty() || row.boolean(0, "rolsuper") || row.boolean(0, "rolbypassrls"))
        throw db::DbError(QStringLiteral("the role \"%1\" can bypass row-level security; agents must not")
                              .arg(conn.exec(kCurrentUser).text(0, 0)),
                          QString::fromLatin1(sqlstate::kUnsafeRole));
    if (row.isNull(0, "agent_id"))
        throw db::DbError(QStringLiteral("the role \"%1\" is not an agent").arg(conn.exec(kCurrentUser).text(0, 0)),
                          QString::fromLatin1(sqlstate::kInvalidAuthorization));
    return agent::agentIdentityFromRow(row, 0);
}

QString resolveAgentRole(db::PgConnection& owner, const QString& agentOrRole)
{
    const db::PgResult row = owner.exec(kResolveRole, db::PgParams().add(agentOrRole));
    if (row.empty())
        throw unknownAgent(agentOrRole);
    return row.text(0, 0);
}

retrieval::AgentIdentity becomeAgent(db::PgConnection& owner, const QString& agentOrRole)
{
    if (agentOrRole.isEmpty() || agentOrRole.contains(QChar(0)))
        throw unknownAgent(agentOrRole);
    owner.exec(kSetRole, db::PgParams().add(resolveAgentRole(owner, agentOrRole)));
    return currentAgent(owner);
}

AgentSession openAgentSession(const QString& conninfo, const AgentLogin& login)
{
    if (login.agent.isEmpty() || login.agent.contains(QChar(0)))
        throw unknownAgent(login.agent);
    if (login.method == AgentLogin::Method::OwnerSetRole) {
        db::PgConnection conn = db::PgConnection::open(conninfo);
        retrieval::AgentIdentity identity = becomeAgent(conn, login.agent);
        const QString role = conn.exec(kCurrentUser).text(0, 0);
        return AgentSession{std::move(conn), std::move(identity), role};
    }
    // PostgreSQL names hold at most 63 bytes and passwords no NUL; say no before libpq truncates.
    if (login.agent.toUtf8().size() > kMaxNameBytes || login.password.contains(QChar(0)))
        throw refused();
    db::PgConnection conn = loginAs(conninfoWithUser(conninfo, login.agent, login.password));
    return finish(std::move(conn), login.agent);
}

AgentSession openAgentSession(const bootstrap::PreparedDatabase& database, const AgentLogin& login)
{
    if (login.method == AgentLogin::Method::Password && database.cluster) {
        QString role;
        {
            db::PgConnection owner = db::PgConnection::open(database.conninfo);
            role = resolveAgentRole(owner, login.agent);
        }
        AgentLogin resolved = login;
        resolved.agent = role;
        return openAgentSession(database.conninfo, resolved);
    }
    return openAgentSession(database.conninfo, login);
}

} // namespace ac::security
