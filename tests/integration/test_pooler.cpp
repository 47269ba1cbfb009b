#include "db/db_error.h"
#include "db/embedded_pooler.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "security/role_provisioner.h"
#include "support/test_database.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace ac;

namespace {

constexpr const char* kSeedMessage = "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.";

struct Agent {
    QString role;
    QString password;
};
const Agent kAlice{QStringLiteral("agent_u1"), QStringLiteral("alice-demo")};
const Agent kBob{QStringLiteral("agent_u3"), QStringLiteral("bob-demo")};

} // namespace

// PgBouncer in transaction mode in front of the test cluster, with one server connection per role
// so that every client of a role shares it: agents still are exactly who they logged in as, no
// session state crosses from one agent to another, and retrieval under RLS is unchanged.
class TestPooler : public QObject {
    Q_OBJECT

    std::unique_ptr<db::EmbeddedPooler> pooler_;

    security::AgentSession login(const Agent& agent) const
    {
        security::AgentLogin login;
        login.agent = agent.role;
        login.password = agent.password;
        return security::openAgentSession(pooler_->conninfoFor(agent.role), login);
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        if (!db.cluster())
            QSKIP("the pooler is started for the embedded cluster only");
        QVERIFY2(!db::EmbeddedPooler::program().isEmpty(), "pgbouncer is not installed (scripts/setup installs it)");
        db.seedFixtures();
        db::PoolerOptions options;
        options.port = 6439;
        options.poolSize = 1;
        options.maxServerConnections = 10;
        pooler_ = std::make_unique<db::EmbeddedPooler>(*db.cluster(), options);
        pooler_->start();
        QVERIFY(pooler_->isRunning());
    }

    void cleanupTestCase()
    {
        if (pooler_)
            pooler_->stop();
    }

    void clientsOfOneRoleShareAServerConnection()
    {
        security::AgentSession first = login(kAlice);
        security::AgentSession second = login(kAlice);
        QCOMPARE(first.identity.agentId, QStringLiteral("u1"));
        QCOMPARE(second.identity.agentId, QStringLiteral("u1"));
        const QString a = first.connection.exec("SELECT pg_backend_pid()").text(0, 0);
        const QString b = second.connection.exec("SELECT pg_backend_pid()").text(0, 0);
        QCOMPARE(a, b);  // transaction pooling: one server connection, two clients
    }

    void sessionStateNeverCrossesAgents()
    {
        security::AgentSession bob = login(kBob);
        bob.connection.exec("SELECT set_config('ac.marker', 'bob', false)");
        security::AgentSession alice = login(kAlice);
        const db::PgResult seen = alice.connection.exec("SELECT coalesce(current_setting('ac.marker', true), '')");
        QCOMPARE(seen.text(0, 0), QString());
        QCOMPARE(alice.connection.exec("SELECT current_user").text(0, 0), kAlice.role);
    }

    // Eight clients, four per agent, on one server connection per agent, each asking repeatedly:
    // every transaction runs as its client's role, and Bob never gets a row his ACL does not cover.
    void concurrentAgentsGetOnlyTheirOwnRows()
    {
        std::atomic<int> asked{0}, wrongRole{0}, foreignRows{0}, failures{0};
        std::vector<std::thread> clients;
        for (int c = 0; c < 8; ++c) {
            clients.emplace_back([&, c] {
                const Agent& agent = c % 2 ? kBob : kAlice;
                try {
                    security::AgentSession session = login(agent);
                    retrieval::Retriever retriever(session.connection);
                    for (int i = 0; i < 10; ++i) {
                        const auto result = retriever.retrieve({session.identity, QString::fromLatin1(kSeedMessage), {}});
                        for (const auto& chunk : result.chunks) {
                            const bool readable = std::any_of(chunk.acl.begin(), chunk.acl.end(), [&](const QString& t) {
                                return session.identity.aclTokens.contains(t);
                            });
                            if (!readable || (agent.role == kBob.role && (chunk.sourceId == "d9" || chunk.sourceId == "t3")))
                                ++foreignRows;
                        }
                        if (session.connection.exec("SELECT current_user").text(0, 0) != agent.role)
                            ++wrongRole;
                        ++asked;
                    }
                } catch (const std::exception& error) {
                    qWarning("client %d: %s", c, error.what());
                    ++failures;
                }
            });
        }
        for (std::thread& t : clients)
            t.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(asked.load(), 80);
        QCOMPARE(wrongRole.load(), 0);
        QCOMPARE(foreignRows.load(), 0);
    }

    void superusersCannotComeThrough()
    {
        const QString owner = test::TestDatabase::instance().cluster()->options().owner;
        QVERIFY_THROWS_EXCEPTION(db::DbError, db::PgConnection::open(pooler_->conninfoFor(owner) + QStringLiteral(" password=x")));
    }

    void aNewAgentLogsInAfterARefresh()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        security::provisionAgentRole(owner, QStringLiteral("agent_pooler_probe"), QStringLiteral("probe-secret"));
        const QString conninfo = pooler_->conninfoFor(QStringLiteral("agent_pooler_probe")) + QStringLiteral(" password=probe-secret");
        QVERIFY_THROWS_EXCEPTION(db::DbError, db::PgConnection::open(conninfo));
        pooler_->refreshAgents();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                try {
                    return db::PgConnection::open(conninfo).exec("SELECT current_user").text(0, 0) == QLatin1String("agent_pooler_probe");
                } catch (const db::DbError&) {
                    return false;
                }
            }(),
            5000);
        owner.exec("DROP ROLE agent_pooler_probe");
    }

    void stopsAndRestarts()
    {
        pooler_->stop();
        QTRY_VERIFY_WITH_TIMEOUT(!pooler_->isRunning(), 10000);
        QVERIFY_THROWS_EXCEPTION(std::exception, login(kAlice));
        pooler_->start();
        QCOMPARE(login(kAlice).identity.agentId, QStringLiteral("u1"));
    }
};

QTEST_GUILESS_MAIN(TestPooler)
#include "test_pooler.moc"
