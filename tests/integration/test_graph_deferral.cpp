// Deferred graphs (issue 17, migration 018): a large load builds the merchant's HNSW graphs once
// after writing; a small one keeps them; a deferral left by a load that died is durable, blocks new
// graphs, keeps searches exact and right, and the next load builds the graphs back as they were.

#include "ingest/bulk_loader.h"
#include "ingest/graph_deferral.h"
#include "ingest/hash_embedder.h"
#include "ingest_test_helpers.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

namespace {

constexpr int kDims = 64;

QStringList graphDefinitions(db::PgConnection& conn, const QString& merchant)
{
    QStringList out;
    const db::PgResult r = conn.exec("SELECT definition FROM app.partition_graphs($1)", db::PgParams().add(merchant));
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0);
    return out;
}

ingest::IngestResult load(db::PgConnection& conn, const QString& merchant, std::vector<ingest::PreparedSource> sources,
                          ingest::GraphPolicy policy = ingest::GraphPolicy::Auto)
{
    ingest::HashEmbedder embedder(kDims);
    ingest::BulkLoader loader(conn, embedder);
    loader.setGraphPolicy(policy);
    return loader.load(merchant, std::move(sources));
}

// The merchant's ten nearest chunks to a vector, as the graph (or, without one, a scan) finds them.
QList<qint64> nearest(db::PgConnection& conn, const QString& merchant)
{
    ingest::HashEmbedder embedder(kDims);
    const ingest::Embedding q = embedder.embed({QStringLiteral("refund for order 1234")}).front();
    const db::PgResult r = conn.exec(
        QStringLiteral("SELECT id FROM chunks WHERE merchant_id = $1 AND embedding_dims = %1 "
                       "ORDER BY embedding::halfvec(%1) <=> $2::halfvec(%1), id LIMIT 10").arg(kDims),
        db::PgParams().add(merchant).addVector(q));
    QList<qint64> ids;
    for (int i = 0; i < r.rows(); ++i)
        ids << r.integer(i, 0);
    return ids;
}

} // namespace

class TestGraphDeferral : public QObject {
    Q_OBJECT

private slots:
    void largeFirstLoadBuildsGraphsAfterwards()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        test::createMerchant(conn, QStringLiteral("gd1"));
        const ingest::IngestResult r = load(conn, QStringLiteral("gd1"), test::oneSentenceDocuments(QStringLiteral("gd1"), QStringLiteral("q"), 2500));
        QCOMPARE(r.chunksWritten, 2500);
        QCOMPARE(r.graphsBuilt, 1);
        QVERIFY(r.graphSeconds > 0);
        QVERIFY(!ingest::graphsDeferred(conn, QStringLiteral("gd1")));
        const QStringList graphs = graphDefinitions(conn, QStringLiteral("gd1"));
        QCOMPARE(graphs.size(), 1);
        QVERIFY2(graphs.first().contains(QStringLiteral("hnsw")) && graphs.first().contains(QStringLiteral("halfvec(64)")),
                 qPrintable(graphs.first()));

        // A small load next to 2,500 chunks goes into the graph as it is.
        const ingest::IngestResult small = load(conn, QStringLiteral("gd1"), test::oneSentenceDocuments(QStringLiteral("gd1"), QStringLiteral("s"), 50));
        QCOMPARE(small.chunksWritten, 50);
        QCOMPARE(small.graphsBuilt, 0);
        QCOMPARE(graphDefinitions(conn, QStringLiteral("gd1")), graphs);
    }

    void keepPolicyNeverDefers()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        test::createMerchant(conn, QStringLiteral("gd2"));
        const ingest::IngestResult r = load(conn, QStringLiteral("gd2"), test::oneSentenceDocuments(QStringLiteral("gd2"), QStringLiteral("q"), 2500),
                                            ingest::GraphPolicy::Keep);
        QCOMPARE(r.graphsBuilt, 0);
        QCOMPARE(graphDefinitions(conn, QStringLiteral("gd2")).size(), 1);  // created with the corpus version
    }

    void deferralLeftByADeadLoadIsRestoredAsItWas()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString m = QStringLiteral("gd3");
        test::createMerchant(conn, m);
        load(conn, m, test::oneSentenceDocuments(m, QStringLiteral("q"), 300));
        // A graph with its own parameters (as ragctl reindex --m leaves it).
        const QString name = conn.exec("SELECT graph FROM app.partition_graphs($1)", db::PgParams().add(m)).text(0, 0);
        conn.exec(QStringLiteral("DROP INDEX %1").arg(name));
        conn.exec(QStringLiteral("CREATE INDEX %1 ON chunks_m_gd3 USING hnsw ((embedding::halfvec(%2)) halfvec_cosine_ops) "
                                 "WITH (m = 8, ef_construction = 40) WHERE embedding_dims = %2").arg(name).arg(kDims));
        const QStringList before = graphDefinitions(conn, m);
        const QList<qint64> exact = nearest(conn, m);

        // What a load that died after deferring leaves: the deferral, no graph.
        QCOMPARE(ingest::deferGraphs(conn, m), 1);
        QVERIFY(ingest::graphsDeferred(conn, m));
        QVERIFY(graphDefinitions(conn, m).isEmpty());
        conn.exec("SELECT app.create_chunk_graph($1, 77)", db::PgParams().add(m));  // a new dimension's graph waits too
        QVERIFY(graphDefinitions(conn, m).isEmpty());
        QCOMPARE(nearest(conn, m), exact);  // searched exactly meanwhile

        // The next load of the merchant, however small, builds them first, with their own parameters.
        const ingest::IngestResult r = load(conn, m, test::oneSentenceDocuments(m, QStringLiteral("s"), 5));
        QCOMPARE(r.graphsBuilt, 0);  // restored before the load, not deferred by it
        QVERIFY(!ingest::graphsDeferred(conn, m));
        QCOMPARE(graphDefinitions(conn, m), before);
        QVERIFY(before.first().contains(QStringLiteral("m='8'")));
    }

    void restoreIsAtomic()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString m = QStringLiteral("gd4");
        test::createMerchant(conn, m);
        load(conn, m, test::oneSentenceDocuments(m, QStringLiteral("q"), 200));
        QCOMPARE(ingest::deferGraphs(conn, m), 1);
        // A build that fails (here: cancelled by its statement timeout) leaves the deferral and no graph.
        conn.exec("SET statement_timeout = 1");
        QVERIFY_THROWS_EXCEPTION(std::exception, ingest::restoreGraphs(conn, m));
        conn.exec("RESET statement_timeout");
        QVERIFY(ingest::graphsDeferred(conn, m));
        QVERIFY(graphDefinitions(conn, m).isEmpty());
        QCOMPARE(ingest::restoreGraphs(conn, m).graphs, 1);
        QVERIFY(!ingest::graphsDeferred(conn, m));
    }

    void healthAndReindexReportAndBuildDeferredGraphs()
    {
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString m = QStringLiteral("gd5");
        test::createMerchant(conn, m);
        load(conn, m, test::oneSentenceDocuments(m, QStringLiteral("q"), 100));
        ingest::deferGraphs(conn, m);
        const test::RagctlRun health = test::runRagctl(QStringLiteral("health"), {});
        QVERIFY2(health.out.contains(QStringLiteral("gd5: graphs deferred")), qPrintable(health.out));
        const test::RagctlRun reindex = test::runRagctl(QStringLiteral("reindex"), {QStringLiteral("--merchant"), m});
        QCOMPARE(reindex.exitCode, 0);
        QVERIFY2(reindex.out.contains(QStringLiteral("built 1 graph(s) a load had deferred")), qPrintable(reindex.out));
        QVERIFY(!ingest::graphsDeferred(conn, m));
        QCOMPARE(graphDefinitions(conn, m).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestGraphDeferral)
#include "test_graph_deferral.moc"
