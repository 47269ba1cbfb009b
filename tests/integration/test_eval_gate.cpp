// The CI quality gate: the Acme eval set through the real ingest and retrieval paths on a
// throwaway cluster, against the committed baseline (fixtures/eval/acme/baseline.json).

#include "eval/beir_dataset.h"
#include "eval/eval_runner.h"
#include "eval/quality_baseline.h"
#include "eval/run_report.h"
#include "eval/run_store.h"
#include "ingest/embedder_factory.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

class TestEvalGate : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        conn_.emplace(test::TestDatabase::instance().connect());
        // The product's offline default, whatever the environment says: CI has no embedding endpoint.
        dataset_ = eval::loadBeirDataset(QStringLiteral(":/fixtures/eval/acme"));
        run_ = eval::EvalRunner(*conn_, ingest::EmbedderConfig{}).run(dataset_, eval::EvalOptions{});
        qInfo().noquote() << '\n' << eval::formatRun(run_);
    }

    void everyModeWasMeasuredOnEveryQuery()
    {
        QVERIFY(run_.queries >= 50);
        QCOMPARE(run_.queries, int(dataset_.queries.size()));
        QVERIFY(run_.chunks >= int(dataset_.corpus.size()));
        for (const QString& mode : QStringList{"bm25", "vector", "lexical", "hybrid", "hybrid+rerank"}) {
            const eval::ModeResult* result = run_.result(mode);
            QVERIFY2(result, qPrintable(mode));
            QCOMPARE(result->latency.count, run_.queries);
        }
    }

    void qualityHoldsTheCommittedBaseline()
    {
        const eval::QualityBaseline baseline = eval::QualityBaseline::readFile(QStringLiteral(":/fixtures/eval/acme/baseline.json"));
        QVERIFY(!baseline.floors.empty());
        const QStringList failures = baseline.regressions(run_);
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    }

    void theDefaultConfigurationBeatsPlainBm25()
    {
        const eval::ModeResult* product = run_.result(QStringLiteral("hybrid+rerank"));
        const eval::ModeResult* bm25 = run_.result(QStringLiteral("bm25"));
        QVERIFY(product && bm25);
        for (const QString& metric : {QStringLiteral("ndcg@10"), QStringLiteral("mrr@10")})
            QVERIFY2(eval::metricValue(product->metrics, metric) > eval::metricValue(bm25->metrics, metric), qPrintable(metric));
    }

    void theRunIsLoggedWithItsConfiguration()
    {
        QVERIFY(run_.config.value("embedding").toObject().value("provider").toString() == QLatin1String("corpus"));
        QVERIFY(run_.config.value("chunker").toObject().value("version").toString().startsWith(QLatin1String("ac-chunker")));
        QVERIFY(!run_.config.value("hnsw").toObject().value("indexes").toArray().isEmpty());
        QVERIFY(run_.config.value("search").toObject().contains("ef_search"));

        eval::RunStore::insert(*conn_, run_);
        const eval::EvalRun back = eval::RunStore(QString()).load(run_.id, &*conn_);
        QCOMPARE(back.datasetHash, run_.datasetHash);
        QCOMPARE(back.results.size(), run_.results.size());
        QCOMPARE(eval::metricValue(back.result("hybrid")->metrics, "ndcg@10"),
                 eval::metricValue(run_.result("hybrid")->metrics, "ndcg@10"));
        const db::PgResult row = conn_->exec("SELECT embedding_provider, chunker_version FROM eval_runs WHERE id = $1",
                                             db::PgParams().add(run_.id));
        QCOMPARE(row.text(0, 0), QStringLiteral("corpus"));
    }

    void theScratchMerchantIsGone()
    {
        const db::PgResult left = conn_->exec("SELECT count(*) FROM merchants WHERE id LIKE 'eval-%'");
        QCOMPARE(left.integer(0, 0), qint64(0));
        const db::PgResult chunks = conn_->exec("SELECT count(*) FROM chunks WHERE merchant_id LIKE 'eval-%'");
        QCOMPARE(chunks.integer(0, 0), qint64(0));
    }

private:
    std::optional<db::PgConnection> conn_;
    eval::BeirDataset dataset_;
    eval::EvalRun run_;
};

QTEST_GUILESS_MAIN(TestEvalGate)
#include "test_eval_gate.moc"
