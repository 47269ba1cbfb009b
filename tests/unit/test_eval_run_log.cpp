#include "eval/eval_error.h"
#include "eval/eval_run.h"
#include "eval/quality_baseline.h"
#include "eval/run_report.h"
#include "eval/run_store.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ac::eval;

namespace {

EvalRun sampleRun(double ndcg, int efSearch, const QString& hash = QStringLiteral("ab12cd34ef"))
{
    EvalRun run;
    run.startedAt = QDateTime(QDate(2026, 11, 21), QTime(10, 15), Qt::UTC);
    run.id = EvalRun::newId(run.startedAt, hash);
    run.datasetName = QStringLiteral("acme");
    run.datasetHash = hash;
    run.documents = 49;
    run.queries = 60;
    run.chunks = 52;
    run.config = {{"embedding", QJsonObject{{"provider", "hash"}, {"model", "ac-lexical-hash-v1"}, {"dims", 1536}}},
                  {"chunker", QJsonObject{{"version", "ac-chunker-1:500-800/80"}}},
                  {"search", QJsonObject{{"ef_search", efSearch}, {"rrf_k", 60}}},
                  {"host", QJsonObject{{"cpus", efSearch}}}};
    run.results.push_back({"bm25", {{"recall@10", 0.9}, {"mrr@10", 0.7}, {"ndcg@10", 0.73}}, LatencySummary::of({0.1, 0.2})});
    run.results.push_back(
        {"hybrid", {{"recall@10", 0.95}, {"mrr@10", 0.8}, {"ndcg@10", ndcg}}, LatencySummary::of({5.0, 7.0, 9.0})});
    return run;
}

} // namespace

class TestEvalRunLog : public QObject {
    Q_OBJECT
private slots:
    void runIdNamesTimeAndData()
    {
        const EvalRun run = sampleRun(0.8, 80);
        QVERIFY2(run.id.startsWith(QLatin1String("20261121T101500Z-ab12cd-")), qPrintable(run.id));
        QVERIFY(EvalRun::newId(run.startedAt, run.datasetHash) != run.id);
    }

    void jsonRoundTripKeepsEverything()
    {
        const EvalRun run = sampleRun(0.8123, 80);
        const EvalRun back = EvalRun::fromJson(run.toJson());
        QCOMPARE(back.id, run.id);
        QCOMPARE(back.startedAt, run.startedAt);
        QCOMPARE(back.datasetHash, run.datasetHash);
        QCOMPARE(back.chunks, 52);
        QCOMPARE(back.config, run.config);
        QCOMPARE(back.results.size(), size_t(2));
        QCOMPARE(back.result("hybrid")->metrics.front().first, QStringLiteral("recall@10"));  // display order restored
        QCOMPARE(metricValue(back.result("hybrid")->metrics, "ndcg@10"), 0.8123);
        QCOMPARE(back.result("hybrid")->latency.p95Ms, 9.0);
        QVERIFY_THROWS_EXCEPTION(EvalError, EvalRun::fromJson(QJsonObject{{"hello", 1}}));
    }

    void storeWritesAndFindsRunsByIdOrPath()
    {
        QTemporaryDir dir;
        const RunStore store(dir.filePath("runs"));
        const EvalRun run = sampleRun(0.8, 80);
        const QString path = store.writeFile(run);
        QCOMPARE(path, store.filePath(run.id));
        QCOMPARE(store.load(run.id).id, run.id);
        QCOMPARE(store.load(path).id, run.id);
        QVERIFY_THROWS_EXCEPTION(EvalError, store.load(QStringLiteral("no-such-run")));
    }

    void comparisonShowsConfigurationAndMetricDeltas()
    {
        const EvalRun a = sampleRun(0.80, 40);
        const EvalRun b = sampleRun(0.85, 80);
        const QString text = formatComparison(a, b);
        QVERIFY2(text.contains(QLatin1String("search.ef_search: 40 -> 80")), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("rrf_k")), "unchanged settings are not listed");
        QVERIFY2(!text.contains(QLatin1String("host.")), "the machine is not a configuration difference");
        QVERIFY2(text.contains(QRegularExpression(QStringLiteral("hybrid\\s+ndcg@10\\s+0\\.8000\\s+0\\.8500\\s+\\+0\\.0500"))),
                 qPrintable(text));
        QVERIFY(!text.contains(QLatin1String("warning")));
        QVERIFY(formatComparison(a, sampleRun(0.8, 40, QStringLiteral("ffff0000"))).contains(QLatin1String("different data")));
    }

    void reportHasOneRowPerMode()
    {
        const QString text = formatRun(sampleRun(0.8, 80));
        QVERIFY(text.contains(QLatin1String("ndcg@10")));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("\\nbm25 .*0\\.7300"))));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("\\nhybrid .*0\\.8000 .*7\\.00"))));
    }

    void baselineGate_data()
    {
        QTest::addColumn<double>("ndcg");
        QTest::addColumn<QString>("hash");
        QTest::addColumn<bool>("passes");
        QTest::newRow("same") << 0.80 << QStringLiteral("ab12cd34ef") << true;
        QTest::newRow("better") << 0.90 << QStringLiteral("ab12cd34ef") << true;
        QTest::newRow("within_tolerance") << 0.785 << QStringLiteral("ab12cd34ef") << true;
        QTest::newRow("below_tolerance") << 0.77 << QStringLiteral("ab12cd34ef") << false;
        QTest::newRow("other_dataset") << 0.80 << QStringLiteral("0000") << false;
    }
    void baselineGate()
    {
        QFETCH(double, ndcg);
        QFETCH(QString, hash);
        QFETCH(bool, passes);
        const QualityBaseline baseline = QualityBaseline::fromJson(QualityBaseline::fromRun(sampleRun(0.80, 80), 0.02).toJson());
        QCOMPARE(baseline.floors.size(), size_t(2));  // hybrid recall@10 and nDCG@10; bm25 is not gated
        const QStringList failures = baseline.regressions(sampleRun(ndcg, 80, hash));
        QVERIFY2(failures.isEmpty() == passes, qPrintable(failures.join('\n')));
    }

    void aModeTheRunSkippedFailsTheGate()
    {
        const QualityBaseline baseline = QualityBaseline::fromRun(sampleRun(0.80, 80), 0.02);
        EvalRun run = sampleRun(0.80, 80);
        run.results.pop_back();
        QVERIFY(baseline.regressions(run).join(' ').contains(QLatin1String("not measured")));
    }
};

QTEST_APPLESS_MAIN(TestEvalRunLog)
#include "test_eval_run_log.moc"
