#include "retrieval/plan_tree.h"

#include <QTest>

using namespace ac::retrieval;

namespace {

// Trimmed from a real EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the vector leg on the HNSW path.
const QByteArray kHnswPlan = R"json([{
  "Plan": {"Node Type": "Limit", "Plan Rows": 50, "Actual Rows": 50, "Actual Loops": 1,
           "Actual Total Time": 4.2, "Shared Hit Blocks": 900, "Shared Read Blocks": 3,
    "Plans": [{"Node Type": "Index Scan", "Parent Relationship": "Outer", "Relation Name": "chunks",
               "Index Name": "chunks_embedding_hnsw", "Plan Rows": 120, "Actual Rows": 50,
               "Actual Loops": 1, "Actual Total Time": 4.1, "Order By": "(embedding <=> $1)",
               "Filter": "((merchant_id = $2) AND (acl && $4))", "Rows Removed by Filter": 321,
               "Shared Hit Blocks": 900, "Shared Read Blocks": 3}]},
  "Planning Time": 0.31, "Execution Time": 4.4}])json";

const QByteArray kSeqScanPlan = R"json([{
  "Plan": {"Node Type": "Limit", "Plan Rows": 5, "Actual Rows": 2, "Actual Loops": 1, "Actual Total Time": 9.0,
    "Plans": [{"Node Type": "Sort", "Sort Key": ["((embedding <=> $1))"], "Plan Rows": 5, "Actual Rows": 2,
               "Actual Loops": 1,
      "Plans": [{"Node Type": "Seq Scan", "Relation Name": "chunks", "Plan Rows": 5, "Actual Rows": 5000,
                 "Actual Loops": 1, "Filter": "(merchant_id = $2)", "Rows Removed by Filter": 95000}]}]},
  "Planning Time": 0.2, "Execution Time": 9.1}])json";

} // namespace

class TestPlanTree : public QObject {
    Q_OBJECT
private slots:
    void parsesTree()
    {
        const QueryPlan plan = parseExplainJson(kHnswPlan);
        QCOMPARE(plan.root.nodeType, QStringLiteral("Limit"));
        QCOMPARE(plan.planningMs, 0.31);
        QCOMPARE(plan.executionMs, 4.4);
        QCOMPARE(plan.root.children.size(), size_t(1));
        const PlanNode& scan = plan.root.children.front();
        QCOMPARE(scan.relation, QStringLiteral("chunks"));
        QCOMPARE(scan.indexName, QStringLiteral("chunks_embedding_hnsw"));
        QCOMPARE(scan.planRows, 120.0);
        QCOMPARE(scan.actualRows, 50.0);
        QCOMPARE(scan.loops, 1.0);
        QCOMPARE(scan.rowsRemovedByFilter, 321);
        QCOMPARE(scan.sharedHitBlocks, 900);
        QCOMPARE(scan.sharedReadBlocks, 3);
        QVERIFY(scan.detail.contains("Order By: (embedding <=> $1)"));
        QCOMPARE(indexesUsed(plan.root), QStringList{"chunks_embedding_hnsw"});
        QCOMPARE(plan.raw.size(), 1);
    }

    void rejectsOtherDocuments_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("empty_array") << QByteArray("[]");
        QTest::newRow("object") << QByteArray(R"({"Plan": {}})");
        QTest::newRow("no_plan") << QByteArray(R"([{"Planning Time": 1}])");
        QTest::newRow("garbage") << QByteArray("Seq Scan on chunks");
    }
    void rejectsOtherDocuments()
    {
        QFETCH(QByteArray, json);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseExplainJson(json));
    }

    void warnings_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("expectHnsw");
        QTest::addColumn<int>("wanted");
        QTest::addColumn<bool>("moreExist");
        QTest::addColumn<bool>("stale");
        QTest::addColumn<QStringList>("prefixes");
        QTest::newRow("healthy_hnsw") << kHnswPlan << true << 50 << false << false << QStringList{};
        QTest::newRow("seq_scan_hnsw_unused_under_returned_misestimate")
            << kSeqScanPlan << true << 5 << true << false
            << QStringList{"sequential scan", "HNSW unused", "under-returned", "stale statistics"};
        QTest::newRow("short_but_nothing_more") << kSeqScanPlan << false << 5 << false << false
                                                << QStringList{"sequential scan", "stale statistics"};
        QTest::newRow("told_stale") << kHnswPlan << true << 50 << false << true << QStringList{"stale statistics"};
    }
    void warnings()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, expectHnsw);
        QFETCH(int, wanted);
        QFETCH(bool, moreExist);
        QFETCH(bool, stale);
        QFETCH(QStringList, prefixes);
        PlanExpectations expect;
        expect.expectHnsw = expectHnsw;
        expect.wantedRows = wanted;
        expect.moreRowsExist = moreExist;
        expect.statisticsStale = stale;
        const QStringList got = planWarnings(parseExplainJson(json), expect);
        QCOMPARE(got.size(), prefixes.size());
        for (int i = 0; i < got.size(); ++i)
            QVERIFY2(got[i].startsWith(prefixes[i]), qPrintable(got[i]));
    }

    void rendersText()
    {
        QueryPlan plan = parseExplainJson(kHnswPlan);
        plan.warnings << QStringLiteral("example");
        const QString text = renderPlanText(plan);
        QVERIFY(text.startsWith("Limit  (rows est=50 actual=50"));
        QVERIFY(text.contains("  -> Index Scan using chunks_embedding_hnsw on chunks"));
        QVERIFY(text.contains("removed by filter=321"));
        QVERIFY(text.endsWith("WARNING: example"));
    }

    void abbreviatesQueryVectors()
    {
        QStringList values;
        for (int i = 0; i < 1536; ++i)
            values << (i % 7 == 0 ? QStringLiteral("0.0757") : QStringLiteral("0"));
        const QString literal = QStringLiteral("'[%1]'::vector").arg(values.join(QLatin1Char(',')));
        QJsonObject node{{"Node Type", "Sort"},
                         {"Sort Key", QJsonArray{QStringLiteral("(c.embedding <=> %1)").arg(literal)}},
                         {"Filter", QStringLiteral("(acl && '{u3}'::text[])")}};
        const PlanNode n = parsePlanNode(node);
        QCOMPARE(n.detail, QStringLiteral("Filter: (acl && '{u3}'::text[]); Sort Key: (c.embedding <=> '[1536 values]'::vector)"));
    }
};

QTEST_APPLESS_MAIN(TestPlanTree)
#include "test_plan_tree.moc"
