// Operating the graphs (issue 16): an online rebuild under concurrent agents (no failed query, the
// names kept, the new parameters in force, an interrupted replacement cleaned up), and the
// recall-drift monitor (probes recorded under the agent's own identity, health per merchant only,
// drift reported by ragctl health).

#include "db/db_error.h"
#include "fixtures/fixture_loader.h"
#include "load_agents.h"
#include "load_test.h"
#include "retrieval/graph_rebuild.h"
#include "retrieval/recall_probe.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"
#include "synthetic_corpus.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ac;

namespace {

constexpr const char* kSeedMessage = "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821.";

constexpr const char* kGraphs = R"sql(
SELECT ix.relname::text AS name, array_to_string(ix.reloptions, ',') AS options, i.indisvalid AS valid, am.amname::text AS am
FROM pg_index i JOIN pg_class ix ON ix.oid = i.indexrelid JOIN pg_am am ON am.oid = ix.relam
WHERE i.indrelid = format('%I.%I', app.chunks_schema(), app.chunk_partition_name($1))::regclass
  AND (am.amname = 'hnsw' OR ix.relname LIKE '%\_rebuild')
ORDER BY 1)sql";

struct Graph {
    QString name, options;
    bool valid = false;
    QString am;
};

std::vector<Graph> graphsOf(db::PgConnection& conn, const QString& merchant)
{
    const db::PgResult r = conn.exec(kGraphs, db::PgParams().add(merchant));
    std::vector<Graph> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "name"), r.text(i, "options"), r.boolean(i, "valid"), r.text(i, "am")});
    return out;
}

security::AgentSession loginAs(const QString& role, const QString& password)
{
    security::AgentLogin login;
    login.agent = role;
    login.password = password;
    return security::openAgentSession(test::TestDatabase::instance().conninfo(), login);
}

} // namespace

class TestGraphOperations : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString merchant_;
    std::vector<loadtest::LoadAgent> agents_;

private slots:
    void initTestCase()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        db.seedFixtures();
        bench::SyntheticOptions options;
        options.seed = 1616;
        options.merchants = 1;
        options.documentsPerMerchant = 150;
        options.ticketsPerMerchant = 300;
        options.skew = 0;
        const bench::SyntheticCorpus corpus(options);
        corpus.writeTree(dir_.path());
        merchant_ = corpus.merchantId(0);
        db::PgConnection owner = db.connect();
        fixtures::FixtureLoader(owner, ingest::EmbedderConfig::fromEnvironment()).loadMerchant(dir_.filePath(merchant_));
        agents_ = loadtest::provisionLoadAgents(owner, {merchant_}, 3);
        const qint64 chunks = owner.exec("SELECT count(*) FROM chunks WHERE merchant_id = $1", db::PgParams().add(merchant_)).integer(0, 0);
        QVERIFY2(chunks > 1000, qPrintable(QString::number(chunks)));
        QVERIFY(!graphsOf(owner, merchant_).empty());
    }

    void cleanupTestCase()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        loadtest::removeLoadAgents(owner);
    }

    void rebuildOnlineUnderConcurrentAgents()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        db::PgConnection owner = db.connect();
        const std::vector<Graph> before = graphsOf(owner, merchant_);
        for (const Graph& g : before)
            QVERIFY2(g.options.contains(QStringLiteral("m=32")), qPrintable(g.options));

        loadtest::LoadTestOptions options;
        options.clients = 4;
        options.durationSeconds = 6;
        options.agentConninfo = db.conninfo();
        options.retrieval.k = 5;
        options.retrieval.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;  // every query walks the graph
        QStringList rebuilt;
        options.background = loadtest::BackgroundTask{QStringLiteral("rebuild"), 1.0, [&] {
            retrieval::GraphRebuildOptions params;
            params.m = 16;
            params.efConstruction = 64;
            for (const retrieval::RebuiltGraph& g : retrieval::rebuildGraphsOnline(db.conninfo(), merchant_, params))
                rebuilt << g.graph;
            return rebuilt.join(QLatin1Char(' '));
        }};
        const loadtest::LoadTestReport report = loadtest::runLoadTest(agents_, options);
        QVERIFY(report.background);
        QVERIFY2(report.background->error.isEmpty(), qPrintable(report.background->error));
        QVERIFY2(report.errors == 0, qPrintable(report.firstErrors.join(QLatin1Char('\n'))));
        QCOMPARE(report.identityViolations, 0);
        QVERIFY(report.background->total.count > 0);  // packs ran while the graphs were rebuilt
        QCOMPARE(report.background->errors, 0);

        const std::vector<Graph> after = graphsOf(owner, merchant_);
        QCOMPARE(after.size(), before.size());
        for (size_t i = 0; i < after.size(); ++i) {
            QCOMPARE(after[i].name, before[i].name);
            QVERIFY(after[i].valid);
            QVERIFY2(after[i].options.contains(QStringLiteral("m=16")) && after[i].options.contains(QStringLiteral("ef_construction=64")),
                     qPrintable(after[i].options));
            QVERIFY(rebuilt.contains(after[i].name));
        }
    }

    void interruptedReplacementIsDroppedFirst()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        db::PgConnection owner = db.connect();
        const QString graph = graphsOf(owner, merchant_).front().name;
        const QString leftover = graph.left(55) + QStringLiteral("_rebuild");
        owner.exec(owner.exec("SELECT format('CREATE INDEX %I ON %I.%I (id)', $1::text, app.chunks_schema(), app.chunk_partition_name($2))",
                              db::PgParams().add(leftover).add(merchant_)).text(0, 0));
        const auto rebuilt = retrieval::rebuildGraphsOnline(db.conninfo(), merchant_);
        QVERIFY(!rebuilt.empty());
        for (const Graph& g : graphsOf(owner, merchant_)) {
            QVERIFY2(!g.name.endsWith(QStringLiteral("_rebuild")), qPrintable(g.name));
            QCOMPARE(g.am, QStringLiteral("hnsw"));
            QVERIFY(g.options.contains(QStringLiteral("m=16")));  // kept from the last rebuild
        }
    }

    void badRebuildsAreClearErrorsAndLeaveTheGraphs()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        db::PgConnection owner = db.connect();
        const std::vector<Graph> before = graphsOf(owner, merchant_);
        retrieval::GraphRebuildOptions bad;
        bad.m = 1;
        QVERIFY_THROWS_EXCEPTION(db::DbError, retrieval::rebuildGraphsOnline(db.conninfo(), merchant_, bad));
        bad.m = 48;
        bad.efConstruction = 16;  // pgvector wants ef_construction >= 2 m
        QVERIFY_THROWS_EXCEPTION(db::DbError, retrieval::rebuildGraphsOnline(db.conninfo(), merchant_, bad));
        QVERIFY_THROWS_EXCEPTION(db::DbError, retrieval::rebuildGraphsOnline(db.conninfo(), QStringLiteral("no-such-merchant")));
        const std::vector<Graph> after = graphsOf(owner, merchant_);
        QCOMPARE(after.size(), before.size());
        for (size_t i = 0; i < after.size(); ++i) {
            QCOMPARE(after[i].name, before[i].name);
            QCOMPARE(after[i].options, before[i].options);
        }
        const test::RagctlRun run = test::runRagctl(QStringLiteral("reindex"), {QStringLiteral("--merchant"), merchant_,
                                                                               QStringLiteral("--m"), QStringLiteral("1")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(QStringLiteral("m")));
    }

    void tieAwareRecall()
    {
        using retrieval::VectorLegHit;
        const std::vector<VectorLegHit> exact{{1, 0.9}, {2, 0.8}, {3, 0.7}};
        QCOMPARE(retrieval::tieAwareRecall({{1, 0.9}, {2, 0.8}, {3, 0.7}}, exact), 1.0);
        QCOMPARE(retrieval::tieAwareRecall({{1, 0.9}, {2, 0.8}, {9, 0.1}}, exact), 2.0 / 3.0);
        QCOMPARE(retrieval::tieAwareRecall({{1, 0.9}, {2, 0.8}, {7, 0.7}}, exact), 1.0);  // as near as the 3rd: a tie
        QCOMPARE(retrieval::tieAwareRecall({}, exact), 0.0);
        QCOMPARE(retrieval::tieAwareRecall({}, {}), 1.0);
    }

    void probesAreRecordedUnderTheAgentsOwnIdentity()
    {
        security::AgentSession alice = loginAs(QStringLiteral("agent_u1"), QStringLiteral("alice-demo"));
        retrieval::RetrievalRequest request{alice.identity, QString::fromLatin1(kSeedMessage), {}};
        request.options.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;
        retrieval::Retriever retriever(alice.connection);
        const retrieval::RetrievalResult result = retriever.retrieve(request);
        const auto probe = retrieval::probeRecall(alice.connection, request, result.diagnostics);
        QVERIFY(probe);
        QVERIFY(probe->k > 0 && probe->k <= 10);
        QVERIFY(probe->recall >= 0 && probe->recall <= 1);
        QCOMPARE(probe->vectorPath, QStringLiteral("hnsw"));

        request.options.vectorPath = retrieval::RetrievalOptions::VectorPath::Exact;
        QVERIFY(!retrieval::probeRecall(alice.connection, request, retriever.retrieve(request).diagnostics));  // exact is the truth

        const retrieval::RecallHealth health = retrieval::recallHealth(alice.connection);
        QVERIFY(health.probes >= 1);
        QVERIFY(health.lastProbe.has_value());

        db::PgConnection owner = test::TestDatabase::instance().connect();
        const db::PgResult row = owner.exec("SELECT agent_id, merchant_id FROM recall_probes ORDER BY id DESC LIMIT 1");
        QCOMPARE(row.text(0, 0), QStringLiteral("u1"));
        QCOMPARE(row.text(0, 1), QStringLiteral("m01"));

        // Bob cannot record as Alice, nor read the table, nor another merchant's health.
        security::AgentSession bob = loginAs(QStringLiteral("agent_u3"), QStringLiteral("bob-demo"));
        try {
            bob.connection.exec("SELECT app.record_recall_probe('u1', 'm01', 1, 'hnsw', 40, 10, 0.1)");
            QFAIL("recorded as another agent");
        } catch (const db::DbError& e) {
            QVERIFY(e.isInsufficientPrivilege());
        }
        try {
            bob.connection.exec("SELECT count(*) FROM recall_probes");
            QFAIL("an agent read the probes table");
        } catch (const db::DbError& e) {
            QVERIFY(e.isInsufficientPrivilege());
        }
        try {
            bob.connection.exec("SELECT * FROM app.recall_health_for('agent_u1', 24)");
            QFAIL("read another role's health");
        } catch (const db::DbError& e) {
            QVERIFY(e.isInsufficientPrivilege());
        }
        const loadtest::LoadAgent& other = agents_.front();  // the synthetic merchant's agent
        security::AgentSession stranger = loginAs(other.role, other.password);
        QCOMPARE(retrieval::recallHealth(stranger.connection).probes, 0);  // m01's probes are not its merchant's
    }

    void healthReportsDrift()
    {
        db::PgConnection owner = test::TestDatabase::instance().connect();
        owner.exec("INSERT INTO recall_probes (merchant_id, agent_id, corpus_version, vector_path, ef_search, k, recall) "
                   "SELECT $1, 'loadtest', 1, 'hnsw', 40, 10, 0.5 FROM generate_series(1, 5)",
                   db::PgParams().add(merchant_));
        const test::RagctlRun drift = test::runRagctl(QStringLiteral("health"), {QStringLiteral("--merchant"), merchant_});
        QCOMPARE(drift.exitCode, 3);
        QVERIFY2(drift.out.contains(QStringLiteral("DRIFT")) && drift.out.contains(QStringLiteral("0.500")), qPrintable(drift.out));
        const test::RagctlRun healthy = test::runRagctl(QStringLiteral("health"), {QStringLiteral("--merchant"), QStringLiteral("m01")});
        QVERIFY2(healthy.exitCode == 0, qPrintable(healthy.out + healthy.err));
        QVERIFY(healthy.out.contains(QStringLiteral("m01")));
        QVERIFY(!healthy.out.contains(merchant_));
    }
};

QTEST_GUILESS_MAIN(TestGraphOperations)
#include "test_graph_operations.moc"
