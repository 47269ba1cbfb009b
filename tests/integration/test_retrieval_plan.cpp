#include "agent/agent_directory.h"
#include "ingest/embedder_factory.h"
#include "retrieval/plan_tree.h"
#include "retrieval/query_sql.h"
#include "retrieval/retriever.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;
using retrieval::RetrievalOptions;

// EXPLAIN of exactly the statements that ran, parsed, with warnings.
class TestRetrievalPlan : public QObject {
    Q_OBJECT

    std::unique_ptr<db::PgConnection> conn_;
    std::unique_ptr<ingest::Embedder> embedder_;

    retrieval::RetrievalResult explain(const QString& agentId, const QString& query, RetrievalOptions options)
    {
        options.explain = true;
        retrieval::Retriever retriever(*conn_, *embedder_);
        return retriever.retrieve({*agent::AgentDirectory(*conn_).byId(agentId), query, options});
    }

    static const retrieval::QueryPlan* plan(const retrieval::RetrievalResult& r, const char* leg)
    {
        for (const auto& p : r.plans)
            if (p.leg == QLatin1String(leg))
                return &p;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        conn_ = std::make_unique<db::PgConnection>(test::TestDatabase::instance().connect());
        conn_->exec("ANALYZE chunks");
        embedder_ = ingest::makeEmbedder(ingest::EmbedderConfig::fromEnvironment());
    }

    void fixtureQueryPlanNamesItsIndexes_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::newRow("alice") << "u1";
        QTest::newRow("bob") << "u3";
    }
    void fixtureQueryPlanNamesItsIndexes()
    {
        QFETCH(QString, agentId);
        const auto result = explain(agentId, QStringLiteral("where is my refund"), {});
        QVERIFY(result.planJson.has_value());
        QCOMPARE(result.plans.size(), size_t(2));

        const auto* vector = plan(result, "vector");
        QVERIFY(vector);
        QCOMPARE(vector->sql, QString::fromUtf8(retrieval::sql::kVectorLeg));
        QCOMPARE(result.diagnostics.vectorPath, QStringLiteral("exact"));  // a tiny tenant
        const QStringList vectorIndexes = retrieval::indexesUsed(vector->root);
        QVERIFY2(vectorIndexes.contains("chunks_merchant_idx") || vectorIndexes.contains("chunks_acl_gin"),
                 qPrintable(vectorIndexes.join(',')));
        QVERIFY(vector->executionMs > 0);

        const auto* lexical = plan(result, "lexical");
        QVERIFY(lexical);
        const QStringList lexicalIndexes = retrieval::indexesUsed(lexical->root);
        QVERIFY2(!lexicalIndexes.isEmpty(), "the lexical leg used no index");

        for (const auto& p : result.plans) {
            for (const QString& w : p.warnings)
                QVERIFY2(!w.startsWith("sequential scan"), qPrintable(w));
            QVERIFY(result.planJson->value(p.leg).isArray());
        }
    }

    void hnswPathUsesTheGraph()
    {
        RetrievalOptions options;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.mode = retrieval::Mode::Vector;
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("where is my refund"), options);
        const auto* vector = plan(result, "vector");
        QVERIFY(vector);
        QVERIFY(retrieval::indexesUsed(vector->root).contains("chunks_embedding_hnsw"));
        for (const QString& w : vector->warnings)
            QVERIFY2(!w.startsWith("HNSW unused"), qPrintable(w));
        QCOMPARE(result.diagnostics.vectorPath, QStringLiteral("hnsw"));
        QCOMPARE(result.diagnostics.iterativeScan, QStringLiteral("relaxed_order"));
    }

    void explainReplaysTheSameSettings()
    {
        // The plain-HNSW pass under-returns; its plan must show it, and the widened pass is explained too.
        RetrievalOptions options;
        options.vectorPath = RetrievalOptions::VectorPath::Hnsw;
        options.mode = retrieval::Mode::Vector;
        options.iterativeScan = false;
        options.efSearch = 1;
        options.k = 5;
        const auto result = explain(QStringLiteral("u3"), QStringLiteral("refund"), options);
        const auto* first = plan(result, "vector");
        const auto* widened = plan(result, "vector_widened");
        QVERIFY(first && widened);
        QVERIFY(first->root.actualRows < 5);
        bool underReturned = false;
        for (const QString& w : first->warnings)
            underReturned = underReturned || w.startsWith("under-returned");
        QVERIFY(underReturned);
        QVERIFY(widened->root.actualRows > first->root.actualRows);
        QCOMPARE(widened->root.actualRows, double(result.diagnostics.vectorCandidates));
        QCOMPARE(result.diagnostics.settings.value("vector_settings").toObject().value("hnsw.ef_search").toString(),
                 QStringLiteral("1"));
    }

    void lexicalLegDropsCommonTerms()
    {
        // After ANALYZE the lexeme statistics say "refund" is everywhere in the fixtures; the order
        // number alone is searched, and still finds its ticket.
        RetrievalOptions options;
        options.mode = retrieval::Mode::Lexical;
        options.k = 1;
        options.maxTermFrequency = 0.05;
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("refund for order 4821"), options);
        QVERIFY2(result.diagnostics.lexicalQuery.startsWith("4821"), qPrintable(result.diagnostics.lexicalQuery));
        QVERIFY(!result.diagnostics.lexicalQuery.contains("refund"));
        QCOMPARE(result.chunks.front().sourceId, QStringLiteral("t1"));
        bool noted = false;
        for (const QString& n : result.diagnostics.notes)
            noted = noted || (n.startsWith("lexical leg left out common terms") && n.contains("refund"));
        QVERIFY(noted);
    }

    void staleStatisticsAreReported()
    {
        db::PgConnection writer = test::TestDatabase::instance().connect();
        // Statistics say nothing about the table until the next ANALYZE.
        writer.exec("SELECT pg_stat_reset_single_table_counters('chunks'::regclass)");
        const auto result = explain(QStringLiteral("u1"), QStringLiteral("refund"), {});
        bool stale = false;
        for (const auto& p : result.plans)
            for (const QString& w : p.warnings)
                stale = stale || w.startsWith("stale statistics");
        QVERIFY(stale);
        writer.exec("ANALYZE chunks");
    }
};

QTEST_GUILESS_MAIN(TestRetrievalPlan)
#include "test_retrieval_plan.moc"
