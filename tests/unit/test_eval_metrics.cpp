#include "eval/latency_summary.h"
#include "eval/metrics.h"

#include <QtTest>

#include <cmath>

using namespace ac::eval;

class TestEvalMetrics : public QObject {
    Q_OBJECT
private slots:
    void rankMetrics_data()
    {
        QTest::addColumn<QStringList>("ranked");
        QTest::addColumn<QStringList>("relevant");
        QTest::addColumn<int>("k");
        QTest::addColumn<double>("recall");
        QTest::addColumn<double>("mrr");
        QTest::addColumn<double>("ndcg");
        const double l2_3 = std::log2(3.0), l2_4 = 2.0;
        QTest::newRow("first_hit") << QStringList{"a", "b", "c"} << QStringList{"a"} << 10 << 1.0 << 1.0 << 1.0;
        QTest::newRow("second_hit") << QStringList{"x", "a", "c"} << QStringList{"a"} << 10 << 1.0 << 0.5 << 1.0 / l2_3;
        QTest::newRow("miss") << QStringList{"x", "y"} << QStringList{"a"} << 10 << 0.0 << 0.0 << 0.0;
        QTest::newRow("beyond_cutoff") << QStringList{"x", "y", "a"} << QStringList{"a"} << 2 << 0.0 << 0.0 << 0.0;
        QTest::newRow("two_of_two_swapped") << QStringList{"b", "x", "a"} << QStringList{"a", "b"} << 10 << 1.0 << 1.0
                                           << (1.0 + 1.0 / l2_4) / (1.0 + 1.0 / l2_3);
        QTest::newRow("half_recall") << QStringList{"a", "x"} << QStringList{"a", "b"} << 10 << 0.5 << 1.0
                                     << 1.0 / (1.0 + 1.0 / l2_3);
        QTest::newRow("empty_ranking") << QStringList{} << QStringList{"a"} << 10 << 0.0 << 0.0 << 0.0;
    }
    void rankMetrics()
    {
        QFETCH(QStringList, ranked);
        QFETCH(QStringList, relevant);
        QFETCH(int, k);
        Judgements judgements;
        for (const QString& id : relevant)
            judgements.insert(id, 1);
        QFETCH(double, recall);
        QFETCH(double, mrr);
        QFETCH(double, ndcg);
        QVERIFY(qAbs(recallAtK(ranked, judgements, k) - recall) < 1e-9);
        QVERIFY(qAbs(mrrAtK(ranked, judgements, k) - mrr) < 1e-9);
        QVERIFY(qAbs(ndcgAtK(ranked, judgements, k) - ndcg) < 1e-9);
    }

    void gradedNdcgUsesGradeAsGain()
    {
        const Judgements judgements{{"a", 2}, {"b", 1}};
        const double ideal = 2.0 + 1.0 / std::log2(3.0);
        QVERIFY(qAbs(ndcgAtK({"a", "b"}, judgements, 10) - 1.0) < 1e-9);
        QVERIFY(qAbs(ndcgAtK({"b", "a"}, judgements, 10) - (1.0 + 2.0 / std::log2(3.0)) / ideal) < 1e-9);
    }

    void contextPrecision_data()
    {
        QTest::addColumn<QList<bool>>("flags");
        QTest::addColumn<double>("expected");
        QTest::newRow("all_relevant") << QList<bool>{true, true, true} << 1.0;
        QTest::newRow("none") << QList<bool>{false, false} << 0.0;
        QTest::newRow("relevant_last") << QList<bool>{false, false, true} << 1.0 / 3.0;
        QTest::newRow("first_and_third") << QList<bool>{true, false, true} << (1.0 + 2.0 / 3.0) / 2.0;
        QTest::newRow("empty") << QList<bool>{} << 0.0;
    }
    void contextPrecision()
    {
        QFETCH(QList<bool>, flags);
        QFETCH(double, expected);
        QVERIFY(qAbs(ac::eval::contextPrecision(std::vector<bool>(flags.begin(), flags.end())) - expected) < 1e-9);
    }

    void chunksCollapseToTheirBestRankedSource()
    {
        QCOMPARE(firstOccurrences({"d7", "d7", "t1", "d7", "d9", "t1"}), (QStringList{"d7", "t1", "d9"}));
        MetricCutoffs cutoffs;
        cutoffs.recall = {1, 2};
        cutoffs.contextK = 3;
        const QueryScores scores = scoreQuery({"x", "x", "a", "b"}, Judgements{{"a", 1}, {"b", 1}}, cutoffs);
        QCOMPARE(scores.recall, (std::vector<double>{0.0, 0.5}));  // documents: x, a, b
        QCOMPARE(scores.mrr10, 0.5);
        QVERIFY(qAbs(scores.contextPrecision - 1.0 / 3.0) < 1e-9);  // chunks x, x, a
    }

    void accumulatorAverages()
    {
        MetricCutoffs cutoffs;
        cutoffs.recall = {10};
        MetricAccumulator accumulator(cutoffs);
        accumulator.add({{1.0}, 1.0, 1.0, 1.0});
        accumulator.add({{0.0}, 0.5, 0.0, 0.5});
        QCOMPARE(accumulator.count(), 2);
        const QueryScores mean = accumulator.mean();
        QCOMPARE(mean.recall, std::vector<double>{0.5});
        QCOMPARE(mean.mrr10, 0.75);
        QCOMPARE(mean.ndcg10, 0.5);
        QCOMPARE(mean.contextPrecision, 0.75);
    }

    void latencyPercentilesAreNearestRank()
    {
        std::vector<double> samples;
        for (int i = 100; i >= 1; --i)
            samples.push_back(double(i));
        const LatencySummary summary = LatencySummary::of(samples);
        QCOMPARE(summary.count, 100);
        QCOMPARE(summary.p50Ms, 50.0);
        QCOMPARE(summary.p95Ms, 95.0);
        QCOMPARE(summary.p99Ms, 99.0);
        QCOMPARE(summary.maxMs, 100.0);
        QCOMPARE(summary.meanMs, 50.5);
        QCOMPARE(LatencySummary::of({7.0}).p99Ms, 7.0);
        QCOMPARE(LatencySummary::of({}).count, 0);
    }
};

QTEST_APPLESS_MAIN(TestEvalMetrics)
#include "test_eval_metrics.moc"
