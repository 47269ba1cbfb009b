#include "db/embedded_pooler.h"
#include "load_agents.h"
#include "load_ingest.h"
#include "load_test.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac;

// The CI-sized load test: a few concurrent simulated agents for a few seconds, direct and through
// PgBouncer, every answer checked against the agent's readable set; the check itself is shown to
// catch a row the agent may not read; load agents leave nothing behind.
class TestLoadTest : public QObject {
    Q_OBJECT

    std::unique_ptr<db::EmbeddedPooler> pooler_;
    std::vector<loadtest::LoadAgent> agents_;

    static loadtest::LoadTestOptions shortRun(const QString& conninfo, int clients, int seconds)
    {
        loadtest::LoadTestOptions options;
        options.clients = clients;
        options.durationSeconds = seconds;
        options.agentConninfo = conninfo;
        options.retrieval.k = 5;
        return options;
    }

    static void verifyClean(const loadtest::LoadTestReport& report)
    {
        QVERIFY2(report.errors == 0, qPrintable(report.firstErrors.join(QLatin1Char('\n'))));
        QCOMPARE(report.identityViolations, 0);
        QVERIFY(report.queries > 0);
        QVERIFY(report.staffQueries > 0);
        QVERIFY(report.contractorQueries > 0);
        QCOMPARE(static_cast<qint64>(report.samples.size()), report.queries + report.errors);
        for (const char* stage : {"total", "embed", "vector", "lexical"})
            QVERIFY2(report.stages.count(QString::fromLatin1(stage)) == 1, stage);
        QCOMPARE(report.stages.at(QStringLiteral("total")).count, report.queries);
        QVERIFY(report.meetsSlo());
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        db.seedFixtures();
        db::PgConnection owner = db.connect();
        agents_ = loadtest::provisionLoadAgents(owner, {QStringLiteral("m01"), QStringLiteral("m02")}, 3);
        QCOMPARE(agents_.size(), size_t(6));
    }

    void cleanupTestCase()
    {
        if (pooler_)
            pooler_->stop();
    }

    void percentilesAreNearestRank()
    {
        std::vector<double> values;
        for (int i = 100; i >= 1; --i)
            values.push_back(i);
        const loadtest::Percentiles p = loadtest::percentiles(values);
        QCOMPARE(p.p50, 50.0);
        QCOMPARE(p.p95, 95.0);
        QCOMPARE(p.p99, 99.0);
        QCOMPARE(p.max, 100.0);
        QCOMPARE(p.count, 100);
        QCOMPARE(loadtest::percentiles({7}).p99, 7.0);
        QCOMPARE(loadtest::percentiles({}).count, 0);
    }

    void loadAgentsModelTheMerchantsAgents()
    {
        for (const loadtest::LoadAgent& a : agents_) {
            QVERIFY(a.agentId.startsWith(QStringLiteral("loadtest-") + a.merchantId));
            QVERIFY(!a.readableChunks.isEmpty());
            QVERIFY(!a.messages.isEmpty());
        }
        // m01's third profile in turn is Bob's: a contractor who reads less than staff.
        const auto staff = std::find_if(agents_.begin(), agents_.end(), [](const auto& a) { return a.merchantId == "m01" && a.kind == "staff"; });
        const auto contractor = std::find_if(agents_.begin(), agents_.end(), [](const auto& a) { return a.merchantId == "m01" && a.kind == "contractor"; });
        QVERIFY(staff != agents_.end() && contractor != agents_.end());
        QVERIFY(contractor->readableChunks.size() < staff->readableChunks.size());
        QVERIFY(QSet<qint64>(contractor->readableChunks).subtract(staff->readableChunks).isEmpty());
    }

    void directRunIsCleanAndChecked()
    {
        const loadtest::LoadTestReport report = loadtest::runLoadTest(agents_, shortRun(test::TestDatabase::instance().conninfo(), 4, 3));
        verifyClean(report);
        const QJsonObject json = report.json();
        QCOMPARE(json.value(QStringLiteral("identity_violations")).toInt(), 0);
        QVERIFY(json.value(QStringLiteral("stages")).toObject().contains(QStringLiteral("total")));
        QVERIFY(json.value(QStringLiteral("slo")).toObject().value(QStringLiteral("met")).toBool());
    }

    void pooledRunIsCleanAndChecked()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        if (!db.cluster())
            QSKIP("the pooler is started for the embedded cluster only");
        db::PoolerOptions options;
        options.port = 6440;
        options.poolSize = 2;
        pooler_ = std::make_unique<db::EmbeddedPooler>(*db.cluster(), options);
        pooler_->start();  // after provisioning: its auth file holds the load agents
        const loadtest::LoadTestReport report =
            loadtest::runLoadTest(agents_, shortRun(pooler_->conninfoFor(db.cluster()->options().owner), 8, 3));
        verifyClean(report);
    }

    void ingestDuringTheLoadIsCheckedAndRemoved()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        loadtest::LoadTestOptions options = shortRun(db.conninfo(), 4, 4);
        options.ownerConninfo = db.conninfo();  // chunks written during the run are checked there
        options.retrieval.k = 10;
        options.background = loadtest::BackgroundTask{QStringLiteral("ingest"), 0.5, [&] {
            db::PgConnection writer = db.connect();
            return loadtest::ingestDuringLoad(writer, QStringLiteral("m01"), 15, 77);
        }};
        const loadtest::LoadTestReport report = loadtest::runLoadTest(agents_, options);
        QVERIFY2(report.background && report.background->error.isEmpty(), qPrintable(report.background->error));
        QVERIFY2(report.background->summary.startsWith(QStringLiteral("ingested 15 documents")), qPrintable(report.background->summary));
        verifyClean(report);
        db::PgConnection owner = db.connect();
        QVERIFY(owner.exec("SELECT count(*) FROM chunks WHERE merchant_id = 'm01' AND document_id LIKE 'loadtest-doc-%'").integer(0, 0) > 0);
        loadtest::removeLoadDocuments(owner);
        QCOMPARE(owner.exec("SELECT count(*) FROM support_documents WHERE id LIKE 'loadtest-doc-%'").integer(0, 0), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM chunks WHERE document_id LIKE 'loadtest-doc-%'").integer(0, 0), 0);
    }

    void identityCheckCatchesUnreadableRows()
    {
        std::vector<loadtest::LoadAgent> wrong{agents_.front()};
        wrong.front().readableChunks.clear();  // as if the agent had read rows outside its ACL
        const loadtest::LoadTestReport report = loadtest::runLoadTest(wrong, shortRun(test::TestDatabase::instance().conninfo(), 1, 1));
        QVERIFY(report.queries > 0);
        QVERIFY(report.identityViolations >= report.queries);
        QVERIFY(!report.meetsSlo());
        QVERIFY(report.text().contains(QStringLiteral("MISSED")));
    }

    void wrongPasswordIsCountedNotFatal()
    {
        std::vector<loadtest::LoadAgent> wrong{agents_.front()};
        wrong.front().password = QStringLiteral("not-the-password");
        const loadtest::LoadTestReport report = loadtest::runLoadTest(wrong, shortRun(test::TestDatabase::instance().conninfo(), 1, 1));
        QCOMPARE(report.queries, 0);
        QVERIFY(report.errors > 0);
        QVERIFY(!report.firstErrors.isEmpty());
        QVERIFY(!report.firstErrors.front().contains(QStringLiteral("not-the-password")));
        QVERIFY(!report.meetsSlo());
    }

    void ragctlWritesReportAndPlotAndCleansUp()
    {
        QTemporaryDir dir;
        const QString reportPath = dir.filePath(QStringLiteral("report.json"));
        const QString plotPath = dir.filePath(QStringLiteral("latency.png"));
        const test::RagctlRun run = test::runRagctl(QStringLiteral("loadtest"),
                                                    {QStringLiteral("--clients"), QStringLiteral("2"), QStringLiteral("--duration"),
                                                     QStringLiteral("2"), QStringLiteral("--merchants"), QStringLiteral("m01"),
                                                     QStringLiteral("--report"), reportPath, QStringLiteral("--plot"), plotPath});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
        QVERIFY(run.out.contains(QStringLiteral("SLO")));
        QFile report(reportPath);
        QVERIFY(report.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(report.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("route")).toString(), QStringLiteral("direct"));
        QVERIFY(json.value(QStringLiteral("queries")).toInt() > 0);
        QImage plot(plotPath);
        QVERIFY(!plot.isNull());
        QVERIFY(plot.width() >= 800);

        db::PgConnection owner = test::TestDatabase::instance().connect();
        // ragctl removed every load agent, this test's own too: no row, no role is left behind.
        QCOMPARE(owner.exec("SELECT count(*) FROM agents WHERE id LIKE 'loadtest-%'").integer(0, 0), 0);
        QCOMPARE(owner.exec("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'ac\\_loadtest\\_%'").integer(0, 0), 0);
    }
};

QTEST_GUILESS_MAIN(TestLoadTest)
#include "test_loadtest.moc"
