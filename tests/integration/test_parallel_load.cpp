// Batches written side by side (issue 17): the bulk loader's two writers store exactly what one
// writer stores, and loads of one merchant running at the same time (sharing its corpus lock) do not
// deadlock on the BM25 statistics and leave them exact.

#include "ingest/bulk_loader.h"
#include "ingest/hash_embedder.h"
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QtTest>

#include <atomic>
#include <future>

using namespace ac;

namespace {

constexpr int kDims = 64;
constexpr int kBatchChunks = 100;

ingest::IngestResult load(const QString& merchant, std::vector<ingest::PreparedSource> sources, bool sideBySide)
{
    db::PgConnection conn = test::TestDatabase::instance().connect();
    ingest::HashEmbedder embedder(kDims);
    ingest::BulkLoader loader(conn, embedder, {}, kBatchChunks);
    if (sideBySide)
        loader.setConninfo(test::TestDatabase::instance().conninfo());
    return loader.load(merchant, std::move(sources));
}

// (document without the merchant prefix, chunk index, content hash), sorted.
QStringList chunkRows(db::PgConnection& conn, const QString& merchant)
{
    QStringList rows;
    const db::PgResult r = conn.exec(
        "SELECT substr(document_id, length($1) + 2) || '/' || chunk_index || '/' || content_hash FROM chunks "
        "WHERE merchant_id = $1 ORDER BY 1", db::PgParams().add(merchant));
    for (int i = 0; i < r.rows(); ++i)
        rows << r.text(i, 0);
    return rows;
}

// The hash embedder that fails from its `failAt`-th call on, from whichever writer thread calls it.
class FailingEmbedder : public ingest::Embedder {
public:
    explicit FailingEmbedder(int failAt) : failAt_(failAt) {}
    ingest::EmbeddingSpec spec() const override { return hash_.spec(); }
    bool threadSafe() const override { return true; }
    std::vector<ingest::Embedding> embed(const QStringList& texts) override
    {
        if (++calls_ >= failAt_)
            throw ingest::EmbeddingError(QStringLiteral("embedding endpoint down (injected)"));
        return hash_.embed(texts);
    }

private:
    int failAt_;
    std::atomic<int> calls_{0};
    ingest::HashEmbedder hash_{kDims};
};

} // namespace

class TestParallelLoad : public QObject {
    Q_OBJECT

private slots:
    void twoWritersStoreWhatOneStores()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        test::createMerchant(conn, QStringLiteral("pl1"));
        test::createMerchant(conn, QStringLiteral("pl2"));
        const ingest::IngestResult two = load(QStringLiteral("pl1"), test::oneSentenceDocuments(QStringLiteral("pl1"), QStringLiteral("d"), 1500), true);
        const ingest::IngestResult one = load(QStringLiteral("pl2"), test::oneSentenceDocuments(QStringLiteral("pl2"), QStringLiteral("d"), 1500), false);
        QCOMPARE(two.chunksWritten, 1500);
        QCOMPARE(two.chunksEmbedded, one.chunksEmbedded);
        QCOMPARE(two.corpusVersion, 1);
        QCOMPARE(chunkRows(conn, QStringLiteral("pl1")), chunkRows(conn, QStringLiteral("pl2")));
        QCOMPARE(test::lexicalStatisticsDrift(conn, QStringLiteral("pl1")), 0);

        // Unchanged, side by side: nothing embedded or written.
        const ingest::IngestResult again = load(QStringLiteral("pl1"), test::oneSentenceDocuments(QStringLiteral("pl1"), QStringLiteral("d"), 1500), true);
        QCOMPARE(again.chunksWritten, 0);
        QCOMPARE(again.chunksUnchanged, 1500);
        QCOMPARE(again.chunksEmbedded, 0);
    }

    // A failure in either writer stops the load with that error: every stored document is whole,
    // the statistics exact, a sync's deletes (in the last batch) not applied, the graphs built.
    void aWriterFailingStopsTheLoadCleanly()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString m = QStringLiteral("pl4");
        test::createMerchant(conn, m);
        FailingEmbedder embedder(8);
        ingest::BulkLoader loader(conn, embedder, {}, kBatchChunks);
        loader.setConninfo(test::TestDatabase::instance().conninfo());
        loader.setGraphPolicy(ingest::GraphPolicy::Defer);
        QVERIFY_THROWS_EXCEPTION(ingest::EmbeddingError, loader.load(m, test::oneSentenceDocuments(m, QStringLiteral("d"), 2000)));
        const qint64 stored = conn.exec("SELECT count(*) FROM support_documents WHERE merchant_id = $1",
                                        db::PgParams().add(m)).integer(0, 0);
        QVERIFY2(stored > 0 && stored < 2000, qPrintable(QString::number(stored)));
        QCOMPARE(conn.exec("SELECT count(*) FROM chunks WHERE merchant_id = $1", db::PgParams().add(m)).integer(0, 0), stored);
        QCOMPARE(test::lexicalStatisticsDrift(conn, m), 0);
        QVERIFY(!conn.exec("SELECT app.graphs_deferred($1)", db::PgParams().add(m)).boolean(0, 0));
        QCOMPARE(conn.exec("SELECT count(*) FROM app.partition_graphs($1)", db::PgParams().add(m)).integer(0, 0), qint64(1));

        // The same load again, embedder back: the rest arrives, nothing twice.
        const ingest::IngestResult r = load(m, test::oneSentenceDocuments(m, QStringLiteral("d"), 2000), true);
        QCOMPARE(r.chunksWritten + r.chunksUnchanged, 2000);
        QCOMPARE(r.chunksUnchanged, int(stored));
        QCOMPARE(test::lexicalStatisticsDrift(conn, m), 0);
    }

    void concurrentLoadsOfOneMerchantKeepStatisticsExact()
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        const QString m = QStringLiteral("pl3");
        test::createMerchant(conn, m);
        load(m, test::oneSentenceDocuments(m, QStringLiteral("seed"), 50), false);  // its corpus version exists
        // Three loads at once, two writers each, over a shared vocabulary.
        std::vector<std::future<ingest::IngestResult>> loads;
        for (const char* prefix : {"a", "b", "c"})
            loads.push_back(std::async(std::launch::async, [m, prefix] {
                return load(m, test::oneSentenceDocuments(m, QString::fromLatin1(prefix), 800), true);
            }));
        for (auto& f : loads)
            QCOMPARE(f.get().chunksWritten, 800);
        QCOMPARE(conn.exec("SELECT count(*) FROM chunks WHERE merchant_id = $1", db::PgParams().add(m)).integer(0, 0),
                 qint64(50 + 3 * 800));
        QCOMPARE(test::lexicalStatisticsDrift(conn, m), 0);
    }
};

QTEST_GUILESS_MAIN(TestParallelLoad)
#include "test_parallel_load.moc"
