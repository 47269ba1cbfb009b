#include "retrieval/acl_graphs.h"
#include "retrieval/vector_leg.h"
#include "retrieval/vector_path.h"

#include <QTest>

using namespace ac::retrieval;
using VP = RetrievalOptions::VectorPath;

Q_DECLARE_METATYPE(VP)

// The per-query choices made from cheap statistics: which vector path, which lexical terms.
class TestVectorPath : public QObject {
    Q_OBJECT
private slots:
    void choosesPath_data()
    {
        QTest::addColumn<qint64>("authorised");
        QTest::addColumn<qint64>("table");
        QTest::addColumn<int>("limit");
        QTest::addColumn<VP>("forced");
        QTest::addColumn<bool>("iterative");
        QTest::addColumn<bool>("exact");
        QTest::newRow("small_tenant") << qint64(800) << qint64(1000000) << 50 << VP::Auto << true << true;
        QTest::newRow("small_tenant_unfiltered") << qint64(800) << qint64(800) << 50 << VP::Auto << true << true;
        QTest::newRow("mid_tenant_unfiltered_hnsw") << qint64(3600) << qint64(3600) << 50 << VP::Auto << true << false;
        QTest::newRow("mid_tenant_filtered_exact") << qint64(3600) << qint64(30000) << 50 << VP::Auto << true << true;
        QTest::newRow("big_tenant_broad_acl") << qint64(300000) << qint64(1000000) << 50 << VP::Auto << true << false;
        QTest::newRow("selective_acl_beyond_budget") << qint64(2000) << qint64(10000000) << 50 << VP::Auto << true << true;
        QTest::newRow("selective_acl_cheaper_to_scan") << qint64(3750) << qint64(100000) << 50 << VP::Auto << true << true;
        QTest::newRow("moderate_acl_hnsw") << qint64(37500) << qint64(1000000) << 20 << VP::Auto << true << false;
        QTest::newRow("no_iterative_scan_budget_is_ef") << qint64(100000) << qint64(1000000) << 50 << VP::Auto << false << true;
        QTest::newRow("forced_hnsw") << qint64(10) << qint64(1000000) << 50 << VP::Hnsw << true << false;
        QTest::newRow("forced_exact") << qint64(900000) << qint64(1000000) << 50 << VP::Exact << true << true;
    }
    void choosesPath()
    {
        QFETCH(qint64, authorised);
        QFETCH(qint64, table);
        QFETCH(int, limit);
        QFETCH(VP, forced);
        QFETCH(bool, iterative);
        QFETCH(bool, exact);
        RetrievalOptions options;
        options.vectorPath = forced;
        options.iterativeScan = iterative;
        const PathDecision d = chooseVectorPath({authorised, authorised, table}, options, limit);
        QVERIFY2(d.exact == exact, qPrintable(d.reason));
        QVERIFY(!d.reason.isEmpty());
    }

    void choosesAclGraphTokens()
    {
        // 300,000 rows: staff everywhere (no use), refund 13%, one contractor's own id 12 rows.
        const std::vector<AclTokenRows> rows{{"role:staff", 300000}, {"topic:refund", 39000}, {"topic:billing", 4000},
                                             {"u3", 12}};
        QCOMPARE(chooseAclGraphTokens(rows, 300000, 5000, 0.5), QStringList{"topic:refund"});
        QCOMPARE(chooseAclGraphTokens(rows, 300000, 1000, 0.5), (QStringList{"topic:refund", "topic:billing"}));
        QVERIFY(chooseAclGraphTokens(rows, 0, 1, 1.0).isEmpty());
    }

    void mergesGraphLegsByDistance()
    {
        const auto chunk = [](qint64 id, double similarity) {
            RetrievedChunk c;
            c.chunkId = id;
            c.scores.vectorSimilarity = similarity;
            return c;
        };
        // Chunk 2 carries both tokens, so both graphs return it: once, at its place.
        const auto merged = mergeByDistance({{chunk(1, 0.9), chunk(2, 0.7), chunk(3, 0.2)}, {chunk(4, 0.8), chunk(2, 0.7)}}, 3);
        QCOMPARE(merged.size(), size_t(3));
        QCOMPARE(merged[0].chunkId, qint64(1));
        QCOMPARE(merged[1].chunkId, qint64(4));
        QCOMPARE(merged[2].chunkId, qint64(2));
    }

    // The lexical rows join the graph's ranking by their vector distance alone; one without a
    // known distance stays out, one the graph found too is not repeated.
    void lexicalSeedsJoinTheGraphRanking()
    {
        const auto chunk = [](qint64 id, std::optional<double> similarity, std::optional<double> bm25) {
            RetrievedChunk c;
            c.chunkId = id;
            c.scores.vectorSimilarity = similarity;
            c.scores.lexicalScore = bm25;
            return c;
        };
        const std::vector<RetrievedChunk> graph{chunk(1, 0.9, {}), chunk(2, 0.5, {}), chunk(3, 0.4, {})};
        const std::vector<RetrievedChunk> lexical{chunk(7, {}, 9.0), chunk(2, {}, 8.0), chunk(8, {}, 7.0)};
        const std::unordered_map<qint64, double> distances{{7, 0.2}, {2, 0.5}};  // 8: no distance
        const auto merged = mergeLexicalSeeds(graph, lexical, distances, 3);
        QCOMPARE(merged.size(), size_t(3));
        QCOMPARE(merged[0].chunkId, qint64(1));
        QCOMPARE(merged[1].chunkId, qint64(7));
        QCOMPARE(*merged[1].scores.vectorSimilarity, 0.8);
        QVERIFY(!merged[1].scores.lexicalScore);
        QCOMPARE(merged[2].chunkId, qint64(2));
        QCOMPARE(mergeLexicalSeeds(graph, lexical, {}, 10).size(), size_t(3));
    }
};

QTEST_APPLESS_MAIN(TestVectorPath)
#include "test_vector_path.moc"
