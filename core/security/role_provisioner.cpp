#include "security/role_provisioner.h"

#include "db/db_error.h"

#include <libpq-fe.h>

namespace ac::security {

namespace {

constexpr const char* kRoleFlags =
    "SELECT rolsuper, rolbypassrls, rolcanlogin, "
    "       pg_has_role(r.oid, (SELECT oid FROM pg_roles WHERE rolname = $2), 'MEMBER') AS in_group "
    "FROM pg_roles r WHERE rolname = $1";
constexpr const char* kOwnerIsSuperuser = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user";
constexpr const char* kOwnerCanSetRole = "SELECT pg_has_role(current_user, $1, 'MEMBER')";
constexpr const char* kAttributes = "LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

QString identifier(db::PgConnection& conn, const QString& name)
{
    const QByteArray utf8 = name.toUtf8();
    char* quoted = PQescapeIdentifier(conn.raw(), utf8.constData(), static_cast<size_t>(utf8.size()));
    if (quoted == nullptr)
        throw db::DbError(QStringLiteral("invalid role name"), QString::fromLatin1(db::sqlstate::kInvalidParameterValue));
    QString out = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return out;
}

QString literal(db::PgConnection& conn, const QByteArray& utf8)
{
    char* quoted = PQescapeLiteral(conn.raw(), utf8.constData(), static_cast<size_t>(utf8.size()));
    if (quoted == nullptr)
        throw db::DbError(QStringLiteral("cannot quote a value"), QString::fromLatin1(db::sqlstate::kInvalidParameterValue));
    QString out = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    return out;
}

// Role DDL takes no parameters; a failure must not echo the statement (it may hold a verifier).
void runDdl(db::PgConnection& conn, const QString& sql, const QString& what, const QString& hint)
{
    try {
        conn.exec(sql);
    } catch (const db::DbError& error) {
        QString message = QStringLiteral("cannot %1 (SQLSTATE %2)").arg(what, error.sqlstate());
        if (error.isInsufficientPrivilege())
            message += QStringLiteral(": the owner role lacks CREATEROLE. %1").arg(hint);
        throw db::DbError(message, error.sqlstate());
    }
}

} // namespace

void provisionAgentRole(db::PgConnection& owner, const QString& role, const QString& password)
{
    if (role.isEmpty() || role.contains(QChar(0)) || role.toUtf8().size() > 63)
        throw db::DbError(QStringLiteral("an agent's database role must be 1 to 63 bytes"),
                          QString::fromLatin1(db::sqlstate::kInvalidParameterValue));
    const QString group = QString::fromLatin1(kAgentsGroupRole);
    const QString quotedRole = identifier(owner, role);
    const QString manualSteps =
        QStringLiteral("Ask a superuser to run: CREATE ROLE %1 %2 PASSWORD '...' IN ROLE %3; GRANT %1 TO <owner>;")
            .arg(quotedRole, QString::fromLatin1(kAttributes), group);

    const db::PgResult existing = owner.exec(kRoleFlags, db::PgParams().add(role).add(group));
    if (existing.empty()) {
        runDdl(owner, QStringLiteral("CREATE ROLE %1 %2 IN ROLE %3").arg(quotedRole, QString::fromLatin1(kAttributes), group),
               QStringLiteral("create the agent role %1").arg(quotedRole), manualSteps);
    } else {
        if (existing.boolean(0, "rolsuper") || existing.boolean(0, "rolbypassrls"))
            throw db::DbError(QStringLiteral("the role %1 is SUPERUSER or BYPASSRLS and cannot serve as an agent")
                                  .arg(quotedRole),
                              QString::fromLatin1(db::sqlstate::kInsufficientPrivilege));
        if (!existing.boolean(0, "rolcanlogin"))
            runDdl(owner, QStringLiteral("ALTER ROLE %1 LOGIN").arg(quotedRole),
                   QStringLiteral("allow %1 to log in").arg(quotedRole), manualSteps);
        if (!existing.boolean(0, "in_group"))
            runDdl(owner, QStringLiteral("GRANT %1 TO %2").arg(group, quotedRole),
                   QStringLiteral("add %1 to %2").arg(quotedRole, group), manualSteps);
    }
    // ragctl opens agent sessions as owner + SET ROLE, which needs membership unless superuser.
    if (!owner.exec(kOwnerIsSuperuser).boolean(0, 0)
        && !owner.exec(kOwnerCanSetRole, db::PgParams().add(role)).boolean(0, 0))
        runDdl(owner, QStringLiteral("GRANT %1 TO CURRENT_USER").arg(quotedRole),
               QStringLiteral("let the owner act as %1").arg(quotedRole), manualSteps);

    if (password.isEmpty())
        return;
    const QByteArray secret = password.toUtf8();
    const QByteArray user = role.toUtf8();
    char* verifier = PQencryptPasswordConn(owner.raw(), secret.constData(), user.constData(), "scram-sha-256");
    if (verifier == nullptr)
        throw db::DbError(QStringLiteral("cannot compute the SCRAM verifier for %1").arg(quotedRole));
    const QString quotedVerifier = literal(owner, QByteArray(verifier));
    PQfreemem(verifier);
    runDdl(owner, QStringLiteral("ALTER ROLE %1 PASSWORD %2").arg(quotedRole, quotedVerifier),
           QStringLiteral("set the password of %1").arg(quotedRole), manualSteps);
}

} // namespace ac::security
