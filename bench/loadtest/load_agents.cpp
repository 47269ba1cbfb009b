#include "load_agents.h"

#include "security/role_provisioner.h"

#include <QRandomGenerator>

namespace ac::loadtest {

namespace {

constexpr const char* kProfiles = R"sql(
SELECT kind, acl_tokens FROM agents
WHERE merchant_id = $1 AND id NOT LIKE 'loadtest-%' ORDER BY kind DESC, id)sql";

constexpr const char* kInsertAgent = R"sql(
INSERT INTO agents (id, merchant_id, display_name, kind, acl_tokens, db_role)
VALUES ($1, $2, $3, $4, $5::text[], $6))sql";

constexpr const char* kReadable = R"sql(
SELECT c.id FROM chunks c JOIN corpus_versions v ON v.merchant_id = c.merchant_id AND v.version = c.corpus_version
WHERE c.merchant_id = $1 AND v.state = 'live' AND c.acl && $2::text[])sql";

constexpr const char* kMessages = R"sql(
SELECT text FROM tickets WHERE merchant_id = $1 ORDER BY id LIMIT 200)sql";

constexpr const char* kLeftoverRoles = "SELECT db_role FROM agents WHERE id LIKE 'loadtest-%' AND db_role IS NOT NULL";
constexpr const char* kDeleteAgents = "DELETE FROM agents WHERE id LIKE 'loadtest-%'";
constexpr const char* kFallbackMessage = "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.";

QString randomPassword()
{
    static const QString alphabet = QStringLiteral("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789");
    QString out;
    for (int i = 0; i < 24; ++i)
        out += alphabet.at(static_cast<int>(QRandomGenerator::system()->bounded(static_cast<quint32>(alphabet.size()))));
    return out;
}

QString quotedIdentifier(db::PgConnection& conn, const QString& name)
{
    return conn.exec("SELECT quote_ident($1)", db::PgParams().add(name)).text(0, 0);
}

} // namespace

void removeLoadAgents(db::PgConnection& owner)
{
    const db::PgResult roles = owner.exec(kLeftoverRoles);
    owner.exec(kDeleteAgents);
    for (int r = 0; r < roles.rows(); ++r)
        owner.exec(QStringLiteral("DROP ROLE IF EXISTS %1").arg(quotedIdentifier(owner, roles.text(r, 0))));
}

std::vector<LoadAgent> provisionLoadAgents(db::PgConnection& owner, const QStringList& merchants, int perMerchant)
{
    removeLoadAgents(owner);
    std::vector<LoadAgent> agents;
    for (const QString& merchant : merchants) {
        const db::PgResult profiles = owner.exec(kProfiles, db::PgParams().add(merchant));
        if (profiles.empty())
            throw std::runtime_error(QStringLiteral("merchant %1 has no agent to model load agents on").arg(merchant).toStdString());
        QStringList messages;
        const db::PgResult tickets = owner.exec(kMessages, db::PgParams().add(merchant));
        for (int r = 0; r < tickets.rows(); ++r)
            messages << tickets.text(r, 0);
        if (messages.isEmpty())
            messages << QString::fromLatin1(kFallbackMessage);
        for (int n = 0; n < perMerchant; ++n) {
            const int p = n % profiles.rows();
            LoadAgent a;
            a.agentId = QStringLiteral("loadtest-%1-%2").arg(merchant).arg(n + 1);
            a.role = QStringLiteral("ac_loadtest_%1_%2").arg(merchant).arg(n + 1).toLower();
            a.password = randomPassword();
            a.merchantId = merchant;
            a.kind = profiles.text(p, 0);
            a.aclTokens = profiles.textArray(p, 1);
            a.messages = messages;
            security::provisionAgentRole(owner, a.role, a.password);
            owner.exec(kInsertAgent, db::PgParams().add(a.agentId).add(merchant).add(QStringLiteral("Load agent %1").arg(n + 1))
                                         .add(a.kind).addTextArray(a.aclTokens).add(a.role));
            const db::PgResult readable = owner.exec(kReadable, db::PgParams().add(merchant).addTextArray(a.aclTokens));
            for (int r = 0; r < readable.rows(); ++r)
                a.readableChunks.insert(readable.integer(r, 0));
            agents.push_back(std::move(a));
        }
    }
    return agents;
}

} // namespace ac::loadtest
