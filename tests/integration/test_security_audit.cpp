// The audit trail (issue 6): every retrieval records who asked, when, which merchant and which
// chunk ids came back, in a table agents can neither read nor change.
#include "db/db_error.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "security/audit.h"
#include "support/test_database.h"

#include <QCryptographicHash>
#include <QtTest>

using namespace ac;

namespace {

security::AgentSession loginAs(const QString& role, const QString& password)
{
    security::AgentLogin how;
    how.agent = role;
    how.password = password;
    return security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
}

constexpr const char* kLastAudit =
    "SELECT db_role, session_role, agent_id, merchant_id, query_sha256, query_chars, mode, k, chunk_ids::text, on_behalf, "
    "       asked_at > now() - interval '1 minute' AS recent "
    "FROM retrieval_audit ORDER BY id DESC LIMIT 1";

} // namespace

class TestSecurityAudit : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { test::TestDatabase::instance().seedFixtures(); }

    void retrieverRecordsEveryAnswer()
    {
        security::AgentSession bob = loginAs(QStringLiteral("agent_u3"), QStringLiteral("bob-demo"));
        retrieval::Retriever retriever(bob.connection);
        const QString query = QStringLiteral("where is my refund for order 4821");
        retrieval::RetrievalRequest request{bob.identity, query, {}};
        request.options.k = 4;
        const retrieval::RetrievalResult result = retriever.retrieve(request);
        QVERIFY(!result.chunks.empty());
        QStringList ids;
        for (const retrieval::RetrievedChunk& c : result.chunks)
            ids << QString::number(c.chunkId);

        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(kLastAudit);
        QCOMPARE(r.text(0, "db_role"), QStringLiteral("agent_u3"));
        QCOMPARE(r.text(0, "session_role"), QStringLiteral("agent_u3"));
        QCOMPARE(r.text(0, "agent_id"), QStringLiteral("u3"));
        QCOMPARE(r.text(0, "merchant_id"), QStringLiteral("m01"));
        QCOMPARE(r.text(0, "query_sha256"),
                 QString::fromLatin1(QCryptographicHash::hash(query.toUtf8(), QCryptographicHash::Sha256).toHex()));
        QCOMPARE(r.integer(0, "query_chars"), query.size());
        QCOMPARE(r.text(0, "mode"), QStringLiteral("hybrid"));
        QCOMPARE(r.integer(0, "k"), 4);
        QCOMPARE(r.text(0, "chunk_ids"), QStringLiteral("{%1}").arg(ids.join(QLatin1Char(','))));
        QCOMPARE(r.boolean(0, "on_behalf"), false);
        QVERIFY(r.boolean(0, "recent"));
    }

    void identityIsTheServers_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<QString>("merchantId");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("own identity") << "u3" << "m01" << true;
        QTest::newRow("no claim") << "" << "" << true;
        QTest::newRow("another agent") << "u1" << "m01" << false;
        QTest::newRow("another merchant") << "u3" << "m02" << false;
        QTest::newRow("injected") << "u3' OR '1'='1" << "m01" << false;
    }

    void identityIsTheServers()
    {
        QFETCH(QString, agentId);
        QFETCH(QString, merchantId);
        QFETCH(bool, accepted);
        security::AgentSession bob = loginAs(QStringLiteral("agent_u3"), QStringLiteral("bob-demo"));
        security::AuditEntry entry{agentId, merchantId, QStringLiteral("q"), QStringLiteral("vector"), 3, {1, 2, 3}};
        try {
            security::recordRetrieval(bob.connection, entry);
            QVERIFY(accepted);
            db::PgConnection owner = test::TestDatabase::instance().connect();
            const db::PgResult r = owner.exec(kLastAudit);
            QCOMPARE(r.text(0, "agent_id"), QStringLiteral("u3"));
            QCOMPARE(r.text(0, "merchant_id"), QStringLiteral("m01"));
        } catch (const db::DbError& error) {
            QVERIFY2(!accepted, qPrintable(error.message()));
            QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
        }
    }

    void ownerSetRoleIsRecordedAsTheAgent()
    {
        security::AgentLogin how;
        how.method = security::AgentLogin::Method::OwnerSetRole;
        how.agent = QStringLiteral("u1");
        security::AgentSession alice = security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
        security::recordRetrieval(alice.connection, {QStringLiteral("u1"), QStringLiteral("m01"), QStringLiteral("q"),
                                                     QStringLiteral("lexical"), 5, {}});
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec(kLastAudit);
        QCOMPARE(r.text(0, "db_role"), QStringLiteral("agent_u1"));
        QCOMPARE(r.text(0, "session_role"), owner.exec("SELECT session_user").text(0, 0));
        QCOMPARE(r.boolean(0, "on_behalf"), false);
    }

    // Tools that retrieve on the owner connection (evaluation) are recorded as acting on behalf.
    void ownerRecordsOnBehalf()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        security::recordRetrieval(owner, {QStringLiteral("eval-agent"), QStringLiteral("eval-m"), QStringLiteral("q"),
                                          QStringLiteral("hybrid"), 10, {7}});
        const db::PgResult r = owner.exec(kLastAudit);
        QCOMPARE(r.text(0, "agent_id"), QStringLiteral("eval-agent"));
        QCOMPARE(r.boolean(0, "on_behalf"), true);
        try {
            security::recordRetrieval(owner, {QString(), QString(), QStringLiteral("q"), QStringLiteral("hybrid"), 10, {}});
            QFAIL("an anonymous on-behalf record was accepted");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), QStringLiteral("22023"));
        }
    }

    void auditIsAppendOnly()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        try {
            owner.exec("UPDATE retrieval_audit SET agent_id = 'someone else'");
            QFAIL("the owner rewrote the audit trail");
        } catch (const db::DbError& error) {
            QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
        }
        for (const char* role : {"agent_u1", "agent_u3", "agent_u9"}) {
            security::AgentSession agent = loginAs(QString::fromLatin1(role),
                                                   QString::fromLatin1(role).mid(6) == QLatin1String("u1")   ? QStringLiteral("alice-demo")
                                                   : QString::fromLatin1(role).mid(6) == QLatin1String("u3") ? QStringLiteral("bob-demo")
                                                                                                             : QStringLiteral("carol-demo"));
            for (const char* sql : {"SELECT count(*) FROM retrieval_audit", "DELETE FROM retrieval_audit",
                                    "UPDATE retrieval_audit SET k = 0", "TRUNCATE retrieval_audit",
                                    "INSERT INTO retrieval_audit (db_role, session_role, agent_id, merchant_id, query_sha256, "
                                    "query_chars, mode, k, chunk_ids) VALUES ('x', 'x', 'u1', 'm01', repeat('a', 64), 0, 'x', 0, '{}')"}) {
                try {
                    agent.connection.exec(sql);
                    QFAIL(sql);
                } catch (const db::DbError& error) {
                    QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
                }
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSecurityAudit)
#include "test_security_audit.moc"
