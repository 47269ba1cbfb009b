// Bad input (issue 6): SQL/JSON/tsquery metacharacters, NUL bytes, invalid UTF-8, megabyte pastes,
// absurd k values, unknown merchants and agents, through the message field (context pack), the
// retrieval API, the CLI and the login. Each gets a clear error or a correct (possibly empty)
// answer: never a crash, never SQL in an error message, never a row Bob may not read.
#include "agent/context_pack_builder.h"
#include "db/db_error.h"
#include "ingest/embedder_factory.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QProcess>
#include <QtTest>

#include <climits>

using namespace ac;

namespace {

const QStringList kBobTokens{QStringLiteral("u3"), QStringLiteral("topic:refund")};

QString megabytePaste()
{
    QString out;
    while (out.size() < 1024 * 1024)
        out += QStringLiteral("my refund for order 4821 never arrived, password d9 t3 m02 ");
    return out;
}

void addCorpus()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("sql quote") << QStringLiteral("' OR '1'='1");
    QTest::newRow("sql statement") << QStringLiteral("refund'); DROP TABLE chunks; --");
    QTest::newRow("sql union") << QStringLiteral("x' UNION SELECT chunk_text FROM chunks WHERE merchant_id = 'm02' --");
    QTest::newRow("dollar quoting") << QStringLiteral("$$; SET ROLE agent_u1; $$");
    QTest::newRow("tsquery operators") << QStringLiteral("refund & !password | (t3:*) <-> d9");
    QTest::newRow("tsquery garbage") << QStringLiteral("&&|!!(()):*' <2> :A");
    QTest::newRow("json") << QStringLiteral("{\"merchant_id\": \"m02\", \"$or\": [{\"acl\": \"*\"}]}");
    QTest::newRow("jsonpath") << QStringLiteral("$.** ? (@ like_regex \".*\")");
    QTest::newRow("like wildcards") << QStringLiteral("%_% refund%");
    QTest::newRow("backslashes") << QStringLiteral("\\x00 \\' \\\\ \\N");
    QTest::newRow("array literal") << QStringLiteral("{role:staff,\"u1\"} refund");
    QTest::newRow("nul byte") << (QStringLiteral("refund") + QChar(0) + QStringLiteral("' OR true --"));
    QTest::newRow("invalid utf8") << QString::fromUtf8("\xff\xfe refund \xc3\x28 \xed\xa0\x80");
    QTest::newRow("lone surrogate") << (QString(QChar(0xD800)) + QStringLiteral("refund"));
    QTest::newRow("control and bidi") << QStringLiteral("refund \x01\x1b[31m \u202e\u200b 🙂");
    QTest::newRow("very long word") << QString(5000, QLatin1Char('a'));
    QTest::newRow("empty") << QString();
    QTest::newRow("whitespace") << QStringLiteral(" \t\n ");
    QTest::newRow("other merchant order") << QStringLiteral("Order #4821 for c100 sam.okafor@example.org");
    QTest::newRow("megabyte paste") << megabytePaste();
}

} // namespace

class TestSecurityBadInput : public QObject {
    Q_OBJECT

    std::optional<security::AgentSession> bob_;
    QSet<qint64> bobMay_;  // chunk ids Bob may read, from the owner's view

    security::AgentSession& bob() { return *bob_; }

    void checkChunks(const std::vector<retrieval::RetrievedChunk>& chunks)
    {
        for (const retrieval::RetrievedChunk& c : chunks) {
            QVERIFY2(bobMay_.contains(c.chunkId), qPrintable(QStringLiteral("leaked chunk %1 (%2)").arg(c.chunkId).arg(c.sourceId)));
            QVERIFY(c.sourceId != QLatin1String("d9") && c.sourceId != QLatin1String("t3"));
        }
    }

    static void checkError(const QString& message)
    {
        for (const char* sql : {"SELECT ", "FROM chunks", "WHERE ", "$1"})
            QVERIFY2(!message.contains(QLatin1String(sql)), qPrintable(message.left(300)));
    }

    // Runs `body`; an exception is fine as long as it is one of ours and says no SQL.
    template <typename Body>
    void survive(Body body)
    {
        try {
            body();
        } catch (const db::DbError& error) {
            QVERIFY2(!error.sqlstate().isEmpty(), qPrintable(error.message().left(300)));
            checkError(error.message());
        } catch (const retrieval::RetrievalError& error) {
            checkError(QString::fromUtf8(error.what()));
        } catch (const ingest::EmbeddingError& error) {
            checkError(QString::fromUtf8(error.what()));
        }
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        security::AgentLogin how;
        how.agent = QStringLiteral("agent_u3");
        how.password = QStringLiteral("bob-demo");
        bob_.emplace(security::openAgentSession(test::TestDatabase::instance().conninfo(), how));
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult r = owner.exec("SELECT id FROM chunks WHERE merchant_id = 'm01' AND acl && $1::text[]",
                                          db::PgParams().addTextArray(kBobTokens));
        for (int i = 0; i < r.rows(); ++i)
            bobMay_.insert(r.integer(i, 0));
        QVERIFY(!bobMay_.isEmpty());
    }

    void retrievalSurvives_data() { addCorpus(); }

    void retrievalSurvives()
    {
        QFETCH(QString, text);
        for (retrieval::Mode mode : {retrieval::Mode::Vector, retrieval::Mode::Lexical, retrieval::Mode::Hybrid}) {
            survive([&] {
                retrieval::Retriever retriever(bob().connection);
                retrieval::RetrievalRequest request{bob().identity, text, {}};
                request.options.mode = mode;
                request.options.k = 10;
                checkChunks(retriever.retrieve(request).chunks);
            });
            QVERIFY(bob().connection.isOk());
            QVERIFY(!bob().connection.inTransaction());
        }
    }

    void messageFieldSurvives_data() { addCorpus(); }

    void messageFieldSurvives()
    {
        QFETCH(QString, text);
        survive([&] {
            agent::ContextPackBuilder builder(bob().connection);
            const agent::ContextPack pack = builder.build(bob().identity, text);
            checkChunks(pack.chunks);
            for (const agent::TicketFact& t : pack.tickets)
                QVERIFY2(t.ticketId != QLatin1String("t3") && t.ticketId != QLatin1String("t9"), qPrintable(t.ticketId));
            for (const agent::OrderFacts& o : pack.orders)
                QVERIFY(o.currency != QLatin1String("EUR"));  // m02's #4821 is in euros
        });
        QVERIFY(bob().connection.isOk());
    }

    void absurdOptionsAreRefused_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("candidates");
        QTest::addColumn<int>("efSearch");
        QTest::addColumn<int>("maxScanTuples");
        QTest::addColumn<bool>("valid");
        QTest::newRow("k zero") << 0 << 50 << 80 << 20000 << false;
        QTest::newRow("k negative") << -1 << 50 << 80 << 20000 << false;
        QTest::newRow("k int max") << INT_MAX << 50 << 80 << 20000 << false;
        QTest::newRow("k int min") << INT_MIN << 50 << 80 << 20000 << false;
        QTest::newRow("k 1001") << 1001 << 50 << 80 << 20000 << false;
        QTest::newRow("candidates zero") << 5 << 0 << 80 << 20000 << false;
        QTest::newRow("candidates int max") << 5 << INT_MAX << 80 << 20000 << false;
        QTest::newRow("ef_search zero") << 5 << 50 << 0 << 20000 << false;
        QTest::newRow("max scan tuples negative") << 5 << 50 << 80 << -5 << false;
        QTest::newRow("k 1000") << 1000 << 50 << 80 << 20000 << true;
        QTest::newRow("k 1") << 1 << 1 << 1 << 1 << true;
    }

    void absurdOptionsAreRefused()
    {
        QFETCH(int, k);
        QFETCH(int, candidates);
        QFETCH(int, efSearch);
        QFETCH(int, maxScanTuples);
        QFETCH(bool, valid);
        retrieval::Retriever retriever(bob().connection);
        retrieval::RetrievalRequest request{bob().identity, QStringLiteral("refund"), {}};
        request.options.k = k;
        request.options.candidates = candidates;
        request.options.efSearch = efSearch;
        request.options.maxScanTuples = maxScanTuples;
        try {
            const retrieval::RetrievalResult result = retriever.retrieve(request);
            QVERIFY(valid);
            QVERIFY(int(result.chunks.size()) <= std::min(k, int(bobMay_.size())));
            checkChunks(result.chunks);
        } catch (const retrieval::RetrievalError& error) {
            QVERIFY2(!valid, error.what());
        }
    }

    // A client that lies about who it is gets nothing more: RLS filters, the audit refuses.
    void forgedIdentityGetsNothing_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<QString>("merchantId");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("other merchant") << "u3" << "m02" << QStringList{"u9", "role:staff"};
        QTest::newRow("unknown merchant") << "u3" << "m404" << kBobTokens;
        QTest::newRow("alice's tokens") << "u3" << "m01" << QStringList{"u1", "role:staff"};
        QTest::newRow("alice herself") << "u1" << "m01" << QStringList{"u1", "role:staff"};
        QTest::newRow("unknown agent") << "u404" << "m01" << QStringList{"role:staff"};
        QTest::newRow("injected merchant") << "u3" << "m01' OR '1'='1" << kBobTokens;
        QTest::newRow("injected token") << "u3" << "m01" << QStringList{"\"}'; --", "role:staff\",\"u1"};
    }

    void forgedIdentityGetsNothing()
    {
        QFETCH(QString, agentId);
        QFETCH(QString, merchantId);
        QFETCH(QStringList, tokens);
        retrieval::AgentIdentity forged = bob().identity;
        forged.agentId = agentId;
        forged.merchantId = merchantId;
        forged.aclTokens = tokens;
        for (retrieval::Mode mode : {retrieval::Mode::Vector, retrieval::Mode::Lexical, retrieval::Mode::Hybrid}) {
            try {
                retrieval::Retriever retriever(bob().connection);
                retrieval::RetrievalRequest request{forged, QStringLiteral("password reset refund"), {}};
                request.options.mode = mode;
                checkChunks(retriever.retrieve(request).chunks);
            } catch (const db::DbError& error) {
                QCOMPARE(error.sqlstate(), QStringLiteral("42501"));
                checkError(error.message());
            }
        }
    }

    void loginSurvives_data()
    {
        QTest::addColumn<QString>("agent");
        QTest::addColumn<QString>("password");
        QTest::newRow("megabyte agent") << megabytePaste() << "x";
        QTest::newRow("megabyte password") << "agent_u3" << megabytePaste();
        QTest::newRow("invalid utf8 agent") << QString::fromUtf8("agent_u3\xff\xfe") << "bob-demo";
        QTest::newRow("nul in password") << "agent_u3" << (QStringLiteral("bob-demo") + QChar(0) + QStringLiteral("x"));
        QTest::newRow("conninfo in agent") << "agent_u3 password=bob-demo" << "";
        QTest::newRow("conninfo in password") << "agent_u3" << "x' user='agent_console";
        QTest::newRow("uri as agent") << "postgresql://agent_console@/agent_console" << "x";
    }

    void loginSurvives()
    {
        QFETCH(QString, agent);
        QFETCH(QString, password);
        for (auto method : {security::AgentLogin::Method::Password, security::AgentLogin::Method::OwnerSetRole}) {
            security::AgentLogin how;
            how.method = method;
            how.agent = agent;
            how.password = password;
            try {
                security::openAgentSession(test::TestDatabase::instance().conninfo(), how);
                // The owner's SET ROLE path takes no password: a real agent name is enough there.
                QVERIFY2(method == security::AgentLogin::Method::OwnerSetRole && agent == QLatin1String("agent_u3"),
                         "accepted");
            } catch (const db::DbError& error) {
                QVERIFY2(error.sqlstate().startsWith(QLatin1String("28")) || error.sqlstate() == QLatin1String("42501")
                             || error.sqlstate() == QLatin1String("22023"),
                         qPrintable(error.sqlstate() + QLatin1Char(' ') + error.message().left(200)));
                checkError(error.message());
                if (password.size() > 3)
                    QVERIFY(!error.message().contains(password.left(200)));
            }
        }
    }

    void cliSurvives_data() { addCorpus(); }

    // ragctl query --agent u3 goes through Bob's role (owner + SET ROLE) and prints only his rows.
    void cliSurvives()
    {
        QFETCH(QString, text);
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        const test::RagctlRun run = test::runRagctl(
            QStringLiteral("query"), {QStringLiteral("--agent"), QStringLiteral("u3"), QStringLiteral("--k"), QStringLiteral("10"),
                                      QStringLiteral("-")},
            text.toUtf8(), 60000);
        const QString& out = run.out;
        const QString& err = run.err;
        QVERIFY2(run.exitCode == 0 || run.exitCode == 1 || run.exitCode == 2, qPrintable(err));
        QVERIFY2(!out.contains(QLatin1String("source document d9")) && !out.contains(QLatin1String("source ticket t3")),
                 qPrintable(out.left(2000)));
        for (const char* foreign : {"Globex", "m02", "Two-person tent"})
            QVERIFY2(!out.contains(QLatin1String(foreign)), qPrintable(out.left(2000)));
        checkError(err);
    }

    void cliRefusesBadAgents_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("injected agent") << QStringList{"--agent", "u3' OR '1'='1"};
        QTest::newRow("unknown agent") << QStringList{"--agent", "u404"};
        QTest::newRow("wrong merchant") << QStringList{"--agent", "u9", "--merchant", "m01"};
        QTest::newRow("k zero") << QStringList{"--agent", "u3", "--k", "0"};
        QTest::newRow("k huge") << QStringList{"--agent", "u3", "--k", "99999999999"};
        QTest::newRow("k not a number") << QStringList{"--agent", "u3", "--k", "5; DROP TABLE chunks"};
    }

    void cliRefusesBadAgents()
    {
        QFETCH(QStringList, args);
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        const test::RagctlRun run = test::runRagctl(QStringLiteral("query"), args + QStringList{QStringLiteral("refund")}, {}, 60000);
        QVERIFY(run.exitCode == 1 || run.exitCode == 2);
        QVERIFY(run.out.trimmed().isEmpty());
        checkError(run.err);
    }

    // The audit trail saw the CLI's retrievals as Bob's role behind the owner's login.
    void cliRetrievalsAreAudited()
    {
        const QString ragctl = qEnvironmentVariable("AGENT_CONSOLE_RAGCTL");
        if (ragctl.isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        db::PgConnection owner = test::TestDatabase::instance().connect();
        const qint64 before = owner.exec("SELECT count(*) FROM retrieval_audit WHERE db_role = 'agent_u3' "
                                         "AND session_role <> 'agent_u3'").integer(0, 0);
        QProcess process;
        process.start(ragctl, {QStringLiteral("query"), QStringLiteral("--db"), test::TestDatabase::instance().conninfo(),
                               QStringLiteral("--agent"), QStringLiteral("u3"), QStringLiteral("where is my refund")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const db::PgResult r = owner.exec("SELECT agent_id, merchant_id, on_behalf, cardinality(chunk_ids) FROM retrieval_audit "
                                          "WHERE db_role = 'agent_u3' AND session_role <> 'agent_u3' ORDER BY id DESC");
        QCOMPARE(r.rows(), int(before) + 1);
        QCOMPARE(r.text(0, 0), QStringLiteral("u3"));
        QCOMPARE(r.text(0, 1), QStringLiteral("m01"));
        QCOMPARE(r.boolean(0, 2), false);
        QVERIFY(r.integer(0, 3) > 0);
    }
};

QTEST_GUILESS_MAIN(TestSecurityBadInput)
#include "test_security_bad_input.moc"
