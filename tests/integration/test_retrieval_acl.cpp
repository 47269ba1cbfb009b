#include "agent/agent_directory.h"
#include "db/db_error.h"
#include "ingest/embedder_factory.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/test_database.h"

#include <QtTest>

#include <thread>

using namespace ac;
using retrieval::Mode;
using retrieval::RetrievalOptions;

Q_DECLARE_METATYPE(retrieval::Mode)

// The seed's acceptance, against the fixtures: what each agent can and cannot see.
class TestRetrievalAcl : public QObject {
    Q_OBJECT

    std::unique_ptr<db::PgConnection> conn_;

    retrieval::AgentIdentity agent(const QString& id)
    {
        auto found = agent::AgentDirectory(*conn_).byId(id);
        if (!found)
            qFatal("fixture agent %s missing", qPrintable(id));
        return *found;
    }

    retrieval::RetrievalResult ask(const QString& agentId, const QString& query, RetrievalOptions options = {})
    {
        retrieval::Retriever retriever(*conn_);
        return retriever.retrieve({agent(agentId), query, options});
    }

    qint64 authorisedChunks(const QString& agentId)
    {
        const auto a = agent(agentId);
        return conn_->exec("SELECT count(*) FROM chunks c JOIN corpus_versions v ON v.merchant_id = c.merchant_id "
                           "AND v.version = c.corpus_version AND v.state = 'live' "
                           "WHERE c.merchant_id = $1 AND c.acl && $2::text[]",
                           db::PgParams().add(a.merchantId).addTextArray(a.aclTokens))
            .integer(0, 0);
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        conn_ = std::make_unique<db::PgConnection>(test::TestDatabase::instance().connect());
    }

    void aliceGetsThreeCitedRefundChunks_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("recent_refund_questions") << QStringLiteral("show me recent refund questions");
        QTest::newRow("where_is_my_refund") << QStringLiteral("where is my refund");
    }
    void aliceGetsThreeCitedRefundChunks()
    {
        QFETCH(QString, query);
        RetrievalOptions options;
        options.k = 3;
        const auto result = ask(QStringLiteral("u1"), query, options);
        QCOMPARE(result.chunks.size(), size_t(3));
        for (size_t i = 0; i < result.chunks.size(); ++i) {
            const auto& c = result.chunks[i];
            QCOMPARE(c.rank, int(i) + 1);
            QVERIFY2(c.citation.startsWith('[') && c.citation.endsWith(']'), qPrintable(c.citation));
            const bool refundOrPolicy = c.sourceId == "d7" || c.sourceId == "t1" || c.sourceId == "t5"
                || c.text.contains("refund", Qt::CaseInsensitive);
            QVERIFY2(refundOrPolicy, qPrintable(c.citation + " " + c.text.left(80)));
            QVERIFY(c.scores.rerank.has_value());
            QVERIFY(c.scores.fused > 0);
            QVERIFY(c.scores.vectorSimilarity.has_value() || c.scores.lexicalScore.has_value());
            QVERIFY(!c.title.isEmpty());
        }
        const auto& d = result.diagnostics;
        QVERIFY(d.corpusVersion >= 1);
        QVERIFY(!d.vectorPath.isEmpty());
        QVERIFY(d.vectorCandidates > 0);
        QVERIFY(d.lexicalCandidates > 0);
        QCOMPARE(d.rowsRemovedByFilter, 0);  // Alice reads every m01 chunk
        QCOMPARE(d.reranker, QStringLiteral("lexical"));
        QVERIFY(d.settings.contains("vector_settings"));
        QStringList stages;
        for (const auto& t : d.timings)
            stages << t.stage;
        QCOMPARE(stages, (QStringList{"embed", "estimate", "vector", "lexical", "fusion", "rerank", "finish"}));
    }

    void bobNeverSeesPasswordHelp_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<Mode>("mode");
        const QStringList queries{"password reset", "Password reset link expired again", "two-factor Pro plan",
                                  "account locked sign in", "show me recent refund questions", "where is my refund",
                                  "/account/reset", "reset link valid 30 minutes marcus.lee@example.com"};
        for (const QString& q : queries)
            for (Mode m : {Mode::Vector, Mode::Lexical, Mode::Hybrid})
                QTest::newRow(qPrintable(QStringLiteral("%1 / %2").arg(q).arg(int(m)))) << q << m;
    }
    void bobNeverSeesPasswordHelp()
    {
        QFETCH(QString, query);
        QFETCH(Mode, mode);
        RetrievalOptions options;
        options.k = 50;
        options.mode = mode;
        const auto result = ask(QStringLiteral("u3"), query, options);
        for (const auto& c : result.chunks) {
            QVERIFY2(c.sourceId != "d9" && c.sourceId != "t3", qPrintable(c.citation));
            QVERIFY(c.acl.contains("u3") || c.acl.contains("topic:refund"));
        }
        QVERIFY(result.diagnostics.rowsRemovedByFilter > 0);
    }

    void aliceDoesSeePasswordHelp()
    {
        RetrievalOptions options;
        options.k = 3;
        const auto result = ask(QStringLiteral("u1"), QStringLiteral("password reset"), options);
        QVERIFY(!result.chunks.empty());
        QVERIFY(result.chunks.front().sourceId == "d9" || result.chunks.front().sourceId == "t3");
    }

    void noAgentSeesAnotherMerchant_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<QString>("merchantId");
        QTest::newRow("alice") << "u1" << "m01";
        QTest::newRow("bob") << "u3" << "m01";
        QTest::newRow("carol") << "u9" << "m02";
    }
    void noAgentSeesAnotherMerchant()
    {
        QFETCH(QString, agentId);
        QFETCH(QString, merchantId);
        for (const QString& q : {QStringLiteral("refund order 4821"), QStringLiteral("tent store credit"),
                                 QStringLiteral("password")}) {
            RetrievalOptions options;
            options.k = 100;
            const auto result = ask(agentId, q, options);
            for (const auto& c : result.chunks) {
                const QString owner = conn_->exec("SELECT merchant_id FROM chunks WHERE id = $1",
                                                  db::PgParams().add(c.chunkId)).text(0, 0);
                QCOMPARE(owner, merchantId);
            }
        }
    }

    void kResultsWheneverKAuthorisedRowsExist_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<Mode>("mode");
        QTest::addColumn<int>("path");
        QTest::addColumn<bool>("iterative");
        QTest::addColumn<int>("efSearch");
        for (const char* a : {"u1", "u3", "u9"}) {
            QTest::newRow(qPrintable(QStringLiteral("%1_auto_hybrid").arg(a))) << a << Mode::Hybrid << 0 << true << 80;
            QTest::newRow(qPrintable(QStringLiteral("%1_auto_vector").arg(a))) << a << Mode::Vector << 0 << true << 80;
            QTest::newRow(qPrintable(QStringLiteral("%1_hnsw_iterative").arg(a))) << a << Mode::Vector << 1 << true << 10;
            // The common pattern without iterative scan; the retriever must notice and widen.
            QTest::newRow(qPrintable(QStringLiteral("%1_hnsw_plain_ef1").arg(a))) << a << Mode::Vector << 1 << false << 1;
            QTest::newRow(qPrintable(QStringLiteral("%1_exact").arg(a))) << a << Mode::Vector << 2 << true << 80;
        }
    }
    void kResultsWheneverKAuthorisedRowsExist()
    {
        QFETCH(QString, agentId);
        QFETCH(Mode, mode);
        QFETCH(int, path);
        QFETCH(bool, iterative);
        QFETCH(int, efSearch);
        const qint64 authorised = authorisedChunks(agentId);
        QVERIFY(authorised >= 3);
        for (int k : {1, 3, int(authorised) - 1, int(authorised), int(authorised) + 5}) {
            RetrievalOptions options;
            options.k = k;
            options.candidates = k;
            options.mode = mode;
            options.vectorPath = static_cast<RetrievalOptions::VectorPath>(path);
            options.iterativeScan = iterative;
            options.efSearch = efSearch;
            const auto result = ask(agentId, QStringLiteral("refund"), options);
            QCOMPARE(qint64(result.chunks.size()), std::min<qint64>(k, authorised));
            if (result.diagnostics.underReturned)
                QVERIFY(result.diagnostics.widened);
        }
    }

    void plainHnswUnderReturnIsReported()
    {
        RetrievalOptions options;
        options.k = 5;
        options.mode = Mode::Vector;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.iterativeScan = false;
        options.efSearch = 1;
        const auto result = ask(QStringLiteral("u3"), QStringLiteral("refund"), options);
        QCOMPARE(result.chunks.size(), size_t(5));
        QVERIFY(result.diagnostics.underReturned);
        QVERIFY(result.diagnostics.widened);
        QCOMPARE(result.diagnostics.vectorPath, QStringLiteral("hnsw+exact"));
    }

    void exactIdentifiersMatch_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("expectedSource");
        QTest::newRow("alice_order_number") << "u1" << "4821" << "t1";
        QTest::newRow("bob_order_number") << "u3" << "order #4833" << "t5";
        QTest::newRow("carol_same_number_other_merchant") << "u9" << "4821" << "g-t1";
    }
    void exactIdentifiersMatch()
    {
        QFETCH(QString, agentId);
        QFETCH(QString, query);
        QFETCH(QString, expectedSource);
        RetrievalOptions options;
        options.k = 1;
        options.mode = Mode::Lexical;
        const auto result = ask(agentId, query, options);
        QCOMPARE(result.chunks.size(), size_t(1));
        QCOMPARE(result.chunks.front().sourceId, expectedSource);
        options.mode = Mode::Hybrid;
        QCOMPARE(ask(agentId, query, options).chunks.front().sourceId, expectedSource);
    }

    void settingsDoNotLeakIntoTheSession()
    {
        RetrievalOptions options;
        options.efSearch = 123;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        ask(QStringLiteral("u1"), QStringLiteral("refund"), options);
        QVERIFY(!conn_->inTransaction());
        QCOMPARE(conn_->exec("SELECT current_setting('hnsw.ef_search')").text(0, 0), QStringLiteral("40"));
        QCOMPARE(conn_->exec("SHOW enable_seqscan").text(0, 0), QStringLiteral("on"));
        QCOMPARE(conn_->exec("SHOW enable_sort").text(0, 0), QStringLiteral("on"));
        QCOMPARE(conn_->exec("SELECT current_setting('hnsw.iterative_scan')").text(0, 0), QStringLiteral("off"));
    }

    void onlyStopWordsStillAnswers()
    {
        const auto result = ask(QStringLiteral("u1"), QStringLiteral("where is it?"));
        QVERIFY(!result.chunks.empty());  // the vector leg still runs
        QCOMPARE(result.diagnostics.lexicalCandidates, 0);
    }

    void agentWithoutMerchantCorpusGetsNothing()
    {
        retrieval::AgentIdentity ghost = agent(QStringLiteral("u1"));
        ghost.merchantId = QStringLiteral("m-none");
        retrieval::Retriever retriever(*conn_);
        const auto result = retriever.retrieve({ghost, QStringLiteral("refund"), {}});
        QVERIFY(result.chunks.empty());
        QVERIFY(!result.diagnostics.notes.isEmpty());
    }

    // A query is embedded with the embedder of the version it searches, never with another one.
    void mismatchedEmbedderIsNotUsed()
    {
        ingest::EmbedderConfig config;
        config.provider = QStringLiteral("hash");
        config.dims = 256;
        auto small = ingest::makeEmbedder(config);
        const auto wanted = retrieval::Retriever(*conn_).retrieve({agent("u1"), QStringLiteral("refund"), {}});
        const auto given = retrieval::Retriever(*conn_, *small).retrieve({agent("u1"), QStringLiteral("refund"), {}});
        QVERIFY(!wanted.diagnostics.embeddingModel.isEmpty());
        QCOMPARE(given.diagnostics.embeddingModel, wanted.diagnostics.embeddingModel);
        QCOMPARE(given.chunks.size(), wanted.chunks.size());
        for (size_t i = 0; i < given.chunks.size(); ++i)
            QCOMPARE(given.chunks[i].chunkId, wanted.chunks[i].chunkId);
    }

    void cancelledQuerySurfacesAsQueryCanceled()
    {
        // Another session holds the table, so retrieval blocks until it is cancelled.
        db::PgConnection locker = test::TestDatabase::instance().connect();
        locker.exec("BEGIN");
        locker.exec("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE");
        db::PgConnection worker = test::TestDatabase::instance().connect();
        const db::CancelHandle cancel = worker.cancelHandle();
        std::thread canceller([cancel] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            cancel.cancel();
        });
        bool canceled = false;
        try {
            retrieval::Retriever retriever(worker);
            retriever.retrieve({agent("u1"), QStringLiteral("refund"), {}});
        } catch (const db::DbError& error) {
            canceled = error.isQueryCanceled();
        }
        canceller.join();
        locker.exec("ROLLBACK");
        QVERIFY(canceled);
        QVERIFY(!worker.inTransaction());
        QCOMPARE(worker.exec("SELECT 1").integer(0, 0), 1);  // the connection is still usable
    }

    // With a side session the lexical leg runs beside the vector leg; the answer is the same, for
    // each agent under its own role.
    void legsOnTwoSessionsAnswerTheSame_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::newRow("alice") << QStringLiteral("u1");
        QTest::newRow("bob") << QStringLiteral("u3");
    }
    void legsOnTwoSessionsAnswerTheSame()
    {
        QFETCH(QString, agentId);
        db::PgConnection main = test::TestDatabase::instance().connect();
        db::PgConnection side = test::TestDatabase::instance().connect();
        const retrieval::AgentIdentity who = security::becomeAgent(main, agentId);
        security::becomeAgent(side, agentId);
        for (const QString& query : {QStringLiteral("where is my refund"), QStringLiteral("password reset"),
                                     QStringLiteral("Order #4821 refund never arrived")}) {
            retrieval::Retriever oneSession(main);
            retrieval::Retriever twoSessions(main);
            twoSessions.setSideSession(&side);
            const auto one = oneSession.retrieve({who, query, {}});
            const auto two = twoSessions.retrieve({who, query, {}});
            QCOMPARE(two.chunks.size(), one.chunks.size());
            for (size_t i = 0; i < one.chunks.size(); ++i)
                QCOMPARE(two.chunks[i].chunkId, one.chunks[i].chunkId);
            QVERIFY(two.diagnostics.notes.filter(QStringLiteral("second session")).size() == 1);
            QVERIFY(!main.inTransaction());
            QVERIFY(!side.inTransaction());
        }
    }

    void sideSessionOfAnotherAgentIsRefused()
    {
        db::PgConnection main = test::TestDatabase::instance().connect();
        db::PgConnection side = test::TestDatabase::instance().connect();
        security::becomeAgent(main, QStringLiteral("u3"));
        security::becomeAgent(side, QStringLiteral("u1"));
        retrieval::Retriever retriever(main);
        retriever.setSideSession(&side);
        QVERIFY_THROWS_EXCEPTION(retrieval::RetrievalError,
                                 retriever.retrieve({security::currentAgent(main), QStringLiteral("password reset"), {}}));
        QVERIFY(!main.inTransaction());
        QVERIFY(!side.inTransaction());
    }
};

QTEST_GUILESS_MAIN(TestRetrievalAcl)
#include "test_retrieval_acl.moc"
