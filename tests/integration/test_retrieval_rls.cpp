#include "agent/agent_directory.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

#include <algorithm>

using namespace ac;

// Retrieval run the way the console runs it: as the agent's own database role, under row-level
// security. It must return exactly what the explicit filters return for the owner, and the
// planner estimates it chooses paths from must not be thrown off by the policies.
class TestRetrievalRls : public QObject {
    Q_OBJECT

    static QList<qint64> ids(const retrieval::RetrievalResult& r)
    {
        QList<qint64> out;
        for (const auto& c : r.chunks)
            out << c.chunkId;
        return out;
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
    }

    void sameAnswerAsTheOwner_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<QString>("query");
        for (const char* a : {"u1", "u3", "u9"})
            for (const char* q : {"where is my refund", "password reset", "order #4821", "tent store credit"})
                QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(a, q))) << a << q;
    }
    void sameAnswerAsTheOwner()
    {
        QFETCH(QString, agentId);
        QFETCH(QString, query);
        retrieval::RetrievalOptions options;
        options.k = 50;  // every authorised fixture row: the two sessions must see the same set

        db::PgConnection owner = test::TestDatabase::instance().connect();
        const auto identity = *agent::AgentDirectory(owner).byId(agentId);
        const auto asOwner = retrieval::Retriever(owner).retrieve({identity, query, options});

        db::PgConnection session = test::TestDatabase::instance().connect();
        const auto serverIdentity = security::becomeAgent(session, agentId);
        QCOMPARE(serverIdentity.aclTokens, identity.aclTokens);
        const auto asAgent = retrieval::Retriever(session).retrieve({serverIdentity, query, options});

        // The same rows; their order may differ because pg_stats hides term statistics from the agent
        // (the lexical leg then estimates term frequency through the planner instead).
        QList<qint64> agentIds = ids(asAgent), ownerIds = ids(asOwner);
        std::sort(agentIds.begin(), agentIds.end());
        std::sort(ownerIds.begin(), ownerIds.end());
        QCOMPARE(agentIds, ownerIds);
        QCOMPARE(asAgent.diagnostics.vectorPath, asOwner.diagnostics.vectorPath);
        QCOMPARE(asAgent.diagnostics.authorisedRowsEstimate, asOwner.diagnostics.authorisedRowsEstimate);
        for (const auto& c : asAgent.chunks)
            if (agentId == QLatin1String("u3"))
                QVERIFY(c.sourceId != "d9" && c.sourceId != "t3");
    }

    void explainWorksUnderThePolicy()
    {
        db::PgConnection session = test::TestDatabase::instance().connect();
        const auto identity = security::becomeAgent(session, QStringLiteral("u3"));
        retrieval::RetrievalOptions options;
        options.explain = true;
        const auto result = retrieval::Retriever(session).retrieve({identity, QStringLiteral("refund"), options});
        QCOMPARE(result.plans.size(), size_t(2));
        for (const auto& p : result.plans)
            QVERIFY(p.root.actualRows > 0);
    }
};

QTEST_GUILESS_MAIN(TestRetrievalRls)
#include "test_retrieval_rls.moc"
