#include "retrieval/lexical_terms.h"
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

    void choosesLexicalTerms_data()
    {
        QTest::addColumn<QStringList>("terms");
        QTest::addColumn<QList<double>>("frequencies");
        QTest::addColumn<QStringList>("identifiers");
        QTest::addColumn<QString>("tsQuery");
        QTest::addColumn<QStringList>("dropped");
        QTest::addColumn<double>("rows");
        QTest::addColumn<QString>("widened");
        QTest::addColumn<QStringList>("unaffordable");
        const QStringList none;
        QTest::newRow("unknown_are_rare") << QStringList{"refund", "widget"} << QList<double>{-1, -1} << none
                                          << "refund | widget" << none << 0.0 << "" << none;
        QTest::newRow("common_dropped") << QStringList{"refund", "kettle"} << QList<double>{0.3, 0.01} << none
                                        << "kettle" << QStringList{"refund"} << 0.0 << "refund | kettle" << none;
        QTest::newRow("identifier_always_kept") << QStringList{"4821", "refund"} << QList<double>{0.5, 0.3}
                                                << QStringList{"4821"} << "4821" << QStringList{"refund"} << 0.0
                                                << "4821 | refund" << none;
        QTest::newRow("all_common_anded") << QStringList{"refund", "order"} << QList<double>{0.3, 0.2} << none
                                          << "refund & order" << none << 0.0 << "refund | order" << none;
        QTest::newRow("empty") << QStringList{} << QList<double>{} << none << "" << none << 0.0 << "" << none;
        // 300,000 rows, 20,000 affordable: 0.3 -> 90,000 rows (never searched); kettle 3,000 and
        // parcel 18,000 together exceed the budget, so there is nothing to widen to.
        QTest::newRow("large_tenant_skips_unaffordable")
            << QStringList{"refund", "kettle", "parcel"} << QList<double>{0.3, 0.01, 0.06} << none << "kettle"
            << QStringList{"parcel"} << 300000.0 << "" << QStringList{"refund"};
        QTest::newRow("large_tenant_widening_within_budget")
            << QStringList{"blender", "parcel", "damaged"} << QList<double>{0.001, 0.06, 0.055} << none << "blender"
            << QStringList{"parcel", "damaged"} << 300000.0 << "blender | damaged" << none;
        QTest::newRow("large_tenant_every_term_unaffordable")
            << QStringList{"refund", "order"} << QList<double>{0.3, 0.2} << none << "" << none << 300000.0 << ""
            << QStringList{"refund", "order"};
        QTest::newRow("large_tenant_identifier_kept")
            << QStringList{"48213", "refund"} << QList<double>{0.4, 0.3} << QStringList{"48213"} << "48213" << none
            << 300000.0 << "" << QStringList{"refund"};
    }
    void choosesLexicalTerms()
    {
        QFETCH(QStringList, terms);
        QFETCH(QList<double>, frequencies);
        QFETCH(QStringList, identifiers);
        QFETCH(QString, tsQuery);
        QFETCH(QStringList, dropped);
        QFETCH(double, rows);
        QFETCH(QString, widened);
        QFETCH(QStringList, unaffordable);
        LexicalBudget budget;
        budget.rows = rows;
        const LexicalQuery q = chooseLexicalTerms(terms, std::vector<double>(frequencies.begin(), frequencies.end()),
                                                  identifiers, budget);
        QCOMPARE(q.tsQuery, tsQuery);
        QCOMPARE(q.dropped, dropped);
        QCOMPARE(q.widened, widened);
        QCOMPARE(q.unaffordable, unaffordable);
    }
};

QTEST_APPLESS_MAIN(TestVectorPath)
#include "test_vector_path.moc"
