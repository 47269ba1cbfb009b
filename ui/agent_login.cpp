#include "agent_login.h"

#include "db/db_error.h"
#include "security/agent_session.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ac::ui {

namespace {

constexpr const char* kListAgents = R"sql(
SELECT a.id, a.display_name, a.kind, a.merchant_id, m.name, coalesce(a.db_role::text, '')
FROM agents a JOIN merchants m ON m.id = a.merchant_id
ORDER BY m.id, a.id)sql";

// agent id -> demo password, from the fixtures compiled into the binary.
QHash<QString, QString> demoPasswords()
{
    QHash<QString, QString> passwords;
    const QDir root(QStringLiteral(":/fixtures/merchants"));
    for (const QString& merchant : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile file(root.filePath(merchant + QStringLiteral("/merchant.json")));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonArray agents = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("agents")).toArray();
        for (const QJsonValue& agent : agents) {
            const QJsonObject a = agent.toObject();
            passwords.insert(a.value(QStringLiteral("id")).toString(), a.value(QStringLiteral("demo_password")).toString());
        }
    }
    return passwords;
}

} // namespace

AgentAccounts listAgentAccounts(db::PgConnection& owner, bool embeddedDemo)
{
    const QHash<QString, QString> passwords = embeddedDemo ? demoPasswords() : QHash<QString, QString>{};
    const db::PgResult rows = owner.exec(kListAgents);
    AgentAccounts accounts;
    for (int r = 0; r < rows.rows(); ++r) {
        AgentAccount a;
        a.agentId = rows.text(r, 0);
        a.displayName = rows.text(r, 1);
        a.kind = rows.text(r, 2);
        a.merchantId = rows.text(r, 3);
        a.merchantName = rows.text(r, 4);
        a.dbRole = rows.text(r, 5);
        a.demoPassword = passwords.value(a.agentId);
        accounts.push_back(a);
    }
    return accounts;
}

AgentConnection openAgentConnection(const DatabaseInfo& database, const AgentAccount& account, const QString& password,
                                    bool onReplica)
{
    if (account.dbRole.isEmpty())
        throw db::DbError(QStringLiteral("agent %1 has no database login; ask the database owner to provision its role "
                                         "(ragctl seed does this for the demo agents)")
                              .arg(account.agentId),
                          QStringLiteral("28000"));
    security::AgentLogin login;
    login.method = security::AgentLogin::Method::Password;
    login.agent = account.dbRole;
    login.password = password;
    const QString& server = onReplica && !database.replicaConninfo.isEmpty() ? database.replicaConninfo
                            : database.agentConninfo.isEmpty()                ? database.ownerConninfo
                                                                               : database.agentConninfo;
    security::AgentSession session = security::openAgentSession(server, login);
    return AgentConnection{std::move(session.connection), std::move(session.identity)};
}

} // namespace ac::ui
