#include "ingest/bulk_loader.h"
#include "ingest/ingest_error.h"
#include "ingest/ingestor.h"
#include "ingest/reembed_job.h"
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace ac;
using ac::test::makeDocument;

// The model switch: a new corpus version is built beside the live one and switched atomically.
class TestReembed : public QObject {
    Q_OBJECT

    db::PgConnection conn_ = test::TestDatabase::instance().connect();
    ingest::HashEmbedder hash_;

    QStringList versions(const QString& merchant)
    {
        return test::column(conn_, "SELECT version, state, embedding_model FROM corpus_versions WHERE merchant_id = $1 ORDER BY version",
                            db::PgParams().add(merchant));
    }

private slots:
    void initTestCase()
    {
        test::createMerchant(conn_, QStringLiteral("mr1"));
        test::createMerchant(conn_, QStringLiteral("mr2"));
        std::vector<ingest::PreparedSource> sources;
        for (int i = 0; i < 30; ++i)
            sources.push_back(ingest::prepareDocument(
                makeDocument("mr1", QStringLiteral("re-%1").arg(i), {"Eligibility", "Requests", QStringLiteral("Topic %1").arg(i)}),
                {}));
        std::vector<ingest::LoadProgress> reports;
        ingest::BulkLoader loader(conn_, hash_, {}, 25);
        loader.setProgress([&](const ingest::LoadProgress& p) { reports.push_back(p); });
        const ingest::IngestResult r = loader.load(QStringLiteral("mr1"), std::move(sources));
        QCOMPARE(r.chunksWritten, 120);
        QVERIFY(reports.size() >= 5);  // one per batch of <= 25 chunks, plus the start
        QCOMPARE(reports.back().done, qint64(120));
        QCOMPARE(reports.back().total, qint64(120));
        QVERIFY(reports.back().ratePerSec > 0);
    }

    void bulkReloadChangesNothing()
    {
        std::vector<ingest::PreparedSource> sources;
        for (int i = 0; i < 30; ++i)
            sources.push_back(ingest::prepareDocument(
                makeDocument("mr1", QStringLiteral("re-%1").arg(i), {"Eligibility", "Requests", QStringLiteral("Topic %1").arg(i)}),
                {}));
        const QStringList before = test::column(conn_, "SELECT id, xmin::text FROM chunks WHERE merchant_id = 'mr1' ORDER BY id");
        const ingest::IngestResult r = ingest::BulkLoader(conn_, hash_, {}, 25).load(QStringLiteral("mr1"), std::move(sources));
        QCOMPARE(r.chunksWritten, 0);
        QCOMPARE(r.chunksEmbedded, 0);
        QCOMPARE(r.chunksUnchanged, 120);
        QCOMPARE(test::column(conn_, "SELECT id, xmin::text FROM chunks WHERE merchant_id = 'mr1' ORDER BY id"), before);
    }

    void switchIsAtomicAndDropsTheOldVersion()
    {
        QCOMPARE(versions("mr1"), QStringList{"1|live|ac-lexical-hash-v1"});
        const QStringList texts = test::column(conn_, "SELECT document_id, chunk_index, citation, chunk_text, acl::text FROM chunks "
                                                      "WHERE merchant_id = 'mr1' ORDER BY 1, 2");
        // A reader polls the live version while the job runs: it must always see exactly 120 chunks,
        // all from one embedding model.
        std::atomic<bool> done{false};
        std::atomic<int> badReads{0};
        std::atomic<int> reads{0};
        std::thread reader([&, conninfo = test::TestDatabase::instance().conninfo()] {
            db::PgConnection c = db::PgConnection::open(conninfo);
            while (!done) {
                const db::PgResult r = c.exec(
                    "SELECT count(*), count(DISTINCT c.embedding_model) FROM chunks c JOIN corpus_versions v "
                    "ON v.merchant_id = c.merchant_id AND v.version = c.corpus_version AND v.state = 'live' "
                    "WHERE c.merchant_id = 'mr1'");
                if (r.integer(0, 0) != 120 || r.integer(0, 1) != 1)
                    ++badReads;
                ++reads;
            }
        });
        test::TestEmbedder model;
        ingest::ReembedJob job(conn_, model, QStringLiteral("mr1"), 16);
        int progressCalls = 0;
        job.setProgress([&](const ingest::LoadProgress&) { ++progressCalls; });
        const ingest::ReembedResult r = job.run();
        done = true;
        reader.join();
        QCOMPARE(r.fromVersion, 1);
        QCOMPARE(r.toVersion, 2);
        QCOMPARE(r.chunks, qint64(120));
        QVERIFY(progressCalls >= 8);
        QVERIFY(reads > 0);
        QCOMPARE(badReads.load(), 0);
        QCOMPARE(versions("mr1"), QStringList{"2|live|test-model-b"});
        QCOMPARE(test::column(conn_, "SELECT DISTINCT corpus_version, embedding_model, embedding_provider FROM chunks WHERE merchant_id = 'mr1'"),
                 QStringList{"2|test-model-b|test"});
        QCOMPARE(test::column(conn_, "SELECT document_id, chunk_index, citation, chunk_text, acl::text FROM chunks "
                                     "WHERE merchant_id = 'mr1' ORDER BY 1, 2"),
                 texts);
    }

    void ingestAfterSwitchUsesTheNewModel()
    {
        test::TestEmbedder model;
        const ingest::IngestResult same =
            ingest::Ingestor(conn_, model).ingestDocument(makeDocument("mr1", "re-0", {"Eligibility", "Requests", "Topic 0"}));
        QCOMPARE(same.chunksEmbedded, 0);
        QCOMPARE(same.corpusVersion, 2);
        QVERIFY_THROWS_EXCEPTION(ingest::IngestError,
                                 ingest::Ingestor(conn_, hash_).ingestDocument(makeDocument("mr1", "re-0", {"Changed"})));
    }

    void failedBuildLeavesLiveVersion()
    {
        test::TestEmbedder failing(QStringLiteral("test-model-c"), 2);  // fails on the third batch
        ingest::ReembedJob job(conn_, failing, QStringLiteral("mr1"), 16);
        QVERIFY_THROWS_EXCEPTION(ingest::EmbeddingError, job.run());
        QCOMPARE(versions("mr1"), QStringList{"2|live|test-model-b"});
        QCOMPARE(test::column(conn_, "SELECT count(*) FROM chunks WHERE merchant_id = 'mr1'"), QStringList{"120"});
    }

    // A switch to other dimensions takes the merchant's ACL graphs along and drops the graphs of
    // the dimensions nothing uses any more.
    void graphsFollowANewDimensionCount()
    {
        test::createMerchant(conn_, QStringLiteral("mr3"));
        std::vector<ingest::PreparedSource> sources;
        for (int i = 0; i < 6; ++i)
            sources.push_back(ingest::prepareDocument(makeDocument("mr3", QStringLiteral("g-%1").arg(i), {"A", "B"}), {}));
        ingest::BulkLoader(conn_, hash_).load(QStringLiteral("mr3"), std::move(sources));
        const QString old = conn_.exec("SELECT app.create_acl_graph('mr3', 'role:staff', 1536)").text(0, 0);
        ingest::HashEmbedder small(64);
        QCOMPARE(ingest::ReembedJob(conn_, small, QStringLiteral("mr3")).run().toVersion, 2);
        const auto exists = [this](const QString& name) {
            return conn_.exec("SELECT to_regclass($1) IS NOT NULL", db::PgParams().add(name)).boolean(0, 0);
        };
        QVERIFY(!exists(old));
        QVERIFY(!exists(conn_.exec("SELECT app.chunk_graph_name('mr3', 1536)").text(0, 0)));
        QVERIFY(exists(conn_.exec("SELECT app.chunk_graph_name('mr3', 64)").text(0, 0)));
        QVERIFY(exists(conn_.exec("SELECT app.acl_graph_name('mr3', 'role:staff', 64)").text(0, 0)));
    }

    void sameModelIsANoOp()
    {
        test::TestEmbedder model;
        const ingest::ReembedResult r = ingest::ReembedJob(conn_, model, QStringLiteral("mr1")).run();
        QCOMPARE(r.toVersion, r.fromVersion);
        QCOMPARE(versions("mr1"), QStringList{"2|live|test-model-b"});
    }

    void nothingToReembed()
    {
        QVERIFY_THROWS_EXCEPTION(ingest::IngestError, ingest::ReembedJob(conn_, hash_, QStringLiteral("mr2")).run());
    }
};

QTEST_GUILESS_MAIN(TestReembed)
#include "test_reembed.moc"
