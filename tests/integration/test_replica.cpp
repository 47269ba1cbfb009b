// A streaming replica of the embedded cluster (issue 16): made by pg_basebackup, read-only, agents
// log in to it with their own passwords and see exactly what they see on the primary; their audit
// goes to the primary; a document just loaded on the primary is read from the replica once its
// WAL position is replayed (read-your-writes), and the lag is measurable by an agent.

#include "agent/context_pack_builder.h"
#include "db/db_error.h"
#include "db/embedded_replica.h"
#include "security/agent_session.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac;

namespace {

constexpr const char* kSeedMessage = "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.";
constexpr int kCatchUpMs = 30000;

security::AgentSession loginAs(const QString& conninfo, const QString& role, const QString& password)
{
    security::AgentLogin login;
    login.agent = role;
    login.password = password;
    return security::openAgentSession(conninfo, login);
}

QStringList sourcesOf(const agent::ContextPack& pack)
{
    QStringList ids;
    for (const auto& c : pack.chunks)
        ids << c.sourceId;
    return ids;
}

} // namespace

class TestReplica : public QObject {
    Q_OBJECT

    std::unique_ptr<db::EmbeddedReplica> replica_;

    void catchUp()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        db::PgConnection follower = db::PgConnection::open(replica_->conninfo());
        QVERIFY(db::waitForReplay(follower, db::currentWalLsn(owner), kCatchUpMs));
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        if (!db.cluster())
            QSKIP("the replica is made of the embedded cluster only");
        db.seedFixtures();
        replica_ = std::make_unique<db::EmbeddedReplica>(*db.cluster(), 5433);
        replica_->start();
        QVERIFY(replica_->isRunning());
        catchUp();
    }

    void cleanupTestCase()
    {
        if (replica_)
            replica_->stop();
    }

    void replicaIsAReadOnlyStandby()
    {
        db::PgConnection follower = db::PgConnection::open(replica_->conninfo());
        QVERIFY(follower.exec("SELECT pg_is_in_recovery()").boolean(0, 0));
        try {
            follower.exec("INSERT INTO merchants (id, name) VALUES ('mreplica', 'Nope')");
            QFAIL("wrote to the replica");
        } catch (const db::DbError& e) {
            QCOMPARE(e.sqlstate(), QStringLiteral("25006"));  // read_only_sql_transaction
        }
        QCOMPARE(follower.exec("SELECT count(*) FROM chunks").integer(0, 0),
                 test::TestDatabase::instance().connect().exec("SELECT count(*) FROM chunks").integer(0, 0));
    }

    void agentsReadTheReplicaAndAuditThePrimary()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        security::AgentSession bobReplica = loginAs(replica_->conninfo(), QStringLiteral("agent_u3"), QStringLiteral("bob-demo"));
        security::AgentSession bobPrimary = loginAs(db.conninfo(), QStringLiteral("agent_u3"), QStringLiteral("bob-demo"));
        QCOMPARE(bobReplica.identity.agentId, QStringLiteral("u3"));

        agent::ContextPackBuilder readOnly(bobReplica.connection);
        try {
            readOnly.build(bobReplica.identity, QString::fromLatin1(kSeedMessage));
            QFAIL("the audit was written to the replica");
        } catch (const db::DbError& e) {
            QCOMPARE(e.sqlstate(), QStringLiteral("25006"));
        }

        db::PgConnection owner = db.connect();
        const qint64 audited = owner.exec("SELECT count(*) FROM retrieval_audit WHERE agent_id = 'u3'").integer(0, 0);
        agent::ContextPackBuilder builder(bobReplica.connection);
        builder.setAuditSession(&bobPrimary.connection);
        const agent::ContextPack fromReplica = builder.build(bobReplica.identity, QString::fromLatin1(kSeedMessage));
        QCOMPARE(owner.exec("SELECT count(*) FROM retrieval_audit WHERE agent_id = 'u3'").integer(0, 0), audited + 1);

        const agent::ContextPack fromPrimary =
            agent::ContextPackBuilder(bobPrimary.connection).build(bobPrimary.identity, QString::fromLatin1(kSeedMessage));
        QCOMPARE(sourcesOf(fromReplica), sourcesOf(fromPrimary));
        QVERIFY(!sourcesOf(fromReplica).isEmpty());
        QVERIFY(!sourcesOf(fromReplica).contains(QStringLiteral("d9")) && !sourcesOf(fromReplica).contains(QStringLiteral("t3")));
    }

    void readYourWritesAfterALoad()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        QTemporaryDir dir;
        QFile doc(dir.filePath(QStringLiteral("replica-probe.md")));
        QVERIFY(doc.open(QIODevice::WriteOnly));
        doc.write("---\nid: d-replica\ntitle: Zeppelin Shipping\nacl: [role:staff]\n---\n\n## Zeppelin freight\n\n"
                  "Orders shipped by zeppelin freight arrive within eleven days of dispatch.\n");
        doc.close();
        const test::RagctlRun load = test::runRagctl(QStringLiteral("load"), {QStringLiteral("--merchant"), QStringLiteral("m01"), doc.fileName()});
        QVERIFY2(load.exitCode == 0, qPrintable(load.err));

        db::PgConnection owner = db.connect();
        const QString written = db::currentWalLsn(owner);
        security::AgentSession alice = loginAs(replica_->conninfo(), QStringLiteral("agent_u1"), QStringLiteral("alice-demo"));
        QVERIFY(db::waitForReplay(alice.connection, written, kCatchUpMs));
        security::AgentSession alicePrimary = loginAs(db.conninfo(), QStringLiteral("agent_u1"), QStringLiteral("alice-demo"));
        agent::ContextPackBuilder builder(alice.connection);
        builder.setAuditSession(&alicePrimary.connection);
        const agent::ContextPack pack = builder.build(alice.identity, QStringLiteral("zeppelin freight shipping"));
        QVERIFY2(sourcesOf(pack).contains(QStringLiteral("d-replica")), qPrintable(sourcesOf(pack).join(QLatin1Char(' '))));

        const db::ReplicationLag lag = db::replicationLag(alicePrimary.connection, alice.connection);
        QVERIFY(lag.bytes >= 0);
        QVERIFY(lag.seconds >= 0);
    }

    // A copy killed half-way leaves data.partial, never a data directory: the next start makes a
    // whole new copy.
    void aKilledCopyIsMadeAgain()
    {
        replica_->stop();
        const QString base = test::TestDatabase::instance().cluster()->options().baseDir + QStringLiteral("/replica");
        QVERIFY(QDir(base + QStringLiteral("/data")).removeRecursively());
        QVERIFY(QDir().mkpath(base + QStringLiteral("/data.partial/base")));
        QFile junk(base + QStringLiteral("/data.partial/PG_VERSION"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("15\n");
        junk.close();
        QVERIFY(!replica_->isInitialized());
        replica_->start();
        QVERIFY(replica_->isRunning());
        QVERIFY(!QFileInfo::exists(base + QStringLiteral("/data.partial")));
        catchUp();
    }

    void restartKeepsFollowing()
    {
        replica_->stop();
        QVERIFY(!replica_->isRunning());
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("UPDATE merchants SET name = name || '' WHERE id = 'm01'");  // WAL the replica has not seen
        replica_->start();
        catchUp();
    }
};

QTEST_GUILESS_MAIN(TestReplica)
#include "test_replica.moc"
