// Batches written side by side (issue 17): the bulk loader's two writers store exactly what one
// writer stores, and loads of one merchant running at the same time (sharing its corpus lock) do not
// deadlock on the BM25 statistics and leave them exact.

#include "ingest/bulk_loader.h"
#include "ingest/hash_embedder.h"
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QtTest>

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
