// Recall of the HNSW path against exact search on a synthetic clustered corpus, through the
// normal ingest and retrieval paths, with the same merchant + ACL filters on both sides.

#include "ingest/bulk_loader.h"
#include "ingest/prepared_source.h"
#include "retrieval/retriever.h"
#include "support/test_database.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ac;

namespace {

constexpr int kDims = 1536;
constexpr int kPoints = 2000;
constexpr int kClusters = 40;
constexpr int kQueries = 40;
constexpr int kK = 10;
constexpr double kNoise = 1.5;  // within-cluster spread relative to the unit-length centres: clusters overlap
const QString kMerchant = QStringLiteral("ann-synthetic");

std::vector<float> normalised(std::vector<float> v)
{
    double norm = 0;
    for (float x : v)
        norm += double(x) * x;
    norm = std::sqrt(norm);
    for (float& x : v)
        x = float(x / norm);
    return v;
}

// Unit vectors around random cluster centres: points "v<i>", queries "q<i>", fixed seed.
class ClusteredVectors {
public:
    ClusteredVectors() : rng_(20261122)
    {
        for (int c = 0; c < kClusters; ++c)
            centres_.push_back(normalised(gaussian()));
        for (int i = 0; i < kPoints; ++i)
            points_.push_back(sample());
        for (int i = 0; i < kQueries; ++i)
            queries_.push_back(sample());
    }
    const std::vector<float>& point(int i) const { return points_[size_t(i)]; }
    const std::vector<float>& query(int i) const { return queries_[size_t(i)]; }

private:
    std::vector<float> gaussian()
    {
        std::vector<float> v(kDims);
        for (int d = 0; d < kDims; d += 2) {  // Box-Muller
            const double u1 = std::max(rng_.generateDouble(), 1e-12), u2 = rng_.generateDouble();
            const double r = std::sqrt(-2.0 * std::log(u1));
            v[size_t(d)] = float(r * std::cos(2 * M_PI * u2));
            v[size_t(d + 1)] = float(r * std::sin(2 * M_PI * u2));
        }
        return v;
    }
    std::vector<float> sample()
    {
        const std::vector<float>& centre = centres_[rng_.bounded(kClusters)];
        std::vector<float> v = normalised(gaussian());
        for (int d = 0; d < kDims; ++d)
            v[size_t(d)] = centre[size_t(d)] + float(kNoise) * v[size_t(d)];
        return normalised(std::move(v));
    }

    QRandomGenerator rng_;
    std::vector<std::vector<float>> centres_, points_, queries_;
};

// Hands out the synthetic vectors by the "v<i>" / "q<i>" tag at the end of the text it is given.
class SyntheticEmbedder : public ingest::Embedder {
public:
    explicit SyntheticEmbedder(const ClusteredVectors& vectors) : vectors_(vectors) {}
    ingest::EmbeddingSpec spec() const override
    {
        return {QStringLiteral("synthetic"), QStringLiteral("clustered-unit"), kDims, QStringLiteral("1")};
    }
    std::vector<ingest::Embedding> embed(const QStringList& texts) override
    {
        static const QRegularExpression tag(QStringLiteral("\\b([vq])(\\d+)\\s*$"));
        std::vector<ingest::Embedding> out;
        for (const QString& text : texts) {
            const QRegularExpressionMatch m = tag.match(text);
            if (!m.hasMatch())
                throw ingest::EmbeddingError(QStringLiteral("no synthetic tag in \"%1\"").arg(text.left(40)));
            const int i = m.captured(2).toInt();
            out.push_back(m.captured(1) == QLatin1String("v") ? vectors_.point(i) : vectors_.query(i));
        }
        return out;
    }

private:
    const ClusteredVectors& vectors_;
};

QStringList aclOf(int i)
{
    QStringList acl{QStringLiteral("team:all")};
    if (i % 2 == 0)
        acl << QStringLiteral("team:half");
    if (i % 10 == 0)
        acl << QStringLiteral("team:tenth");
    return acl;
}

} // namespace

class TestAnnRecall : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        conn_.emplace(test::TestDatabase::instance().connect());
        embedder_.emplace(vectors_);
        conn_->exec("INSERT INTO merchants (id, name, plan) VALUES ($1, 'ANN synthetic', 'enterprise')",
                    db::PgParams().add(kMerchant));
        std::vector<ingest::PreparedSource> sources;
        for (int i = 0; i < kPoints; ++i) {
            ingest::DocumentSource doc;
            doc.id = QStringLiteral("syn-%1").arg(i);
            doc.merchantId = kMerchant;
            doc.title = QStringLiteral("Synthetic %1").arg(i);
            doc.acl = aclOf(i);
            doc.markdown = QStringLiteral("v%1").arg(i);
            sources.push_back(ingest::prepareDocument(doc, {}));
        }
        ingest::BulkLoader(*conn_, *embedder_).load(kMerchant, std::move(sources));
        conn_->exec("ANALYZE chunks");
    }

    void hnswMatchesExactSearch_data()
    {
        QTest::addColumn<QString>("token");
        QTest::addColumn<int>("authorised");
        QTest::addColumn<bool>("iterativeScan");
        QTest::addColumn<int>("efSearch");
        const int ef = retrieval::RetrievalOptions{}.efSearch;
        QTest::newRow("all_rows") << QStringLiteral("team:all") << kPoints << true << ef;
        QTest::newRow("half_the_rows") << QStringLiteral("team:half") << kPoints / 2 << true << ef;
        QTest::newRow("a_tenth_of_the_rows") << QStringLiteral("team:tenth") << kPoints / 10 << true << ef;
        QTest::newRow("all_rows_iterative_scan_off") << QStringLiteral("team:all") << kPoints << false << ef;
    }
    void hnswMatchesExactSearch()
    {
        QFETCH(QString, token);
        QFETCH(int, authorised);
        QFETCH(bool, iterativeScan);
        QFETCH(int, efSearch);
        retrieval::Retriever retriever(*conn_, *embedder_);
        retrieval::RetrievalRequest request;
        request.agent = {QStringLiteral("ann-agent"), kMerchant, QStringLiteral("ANN"), QStringLiteral("staff"), {token}};
        request.options.mode = retrieval::Mode::Vector;
        request.options.rerank = false;
        request.options.k = kK;
        request.options.iterativeScan = iterativeScan;
        request.options.efSearch = efSearch;

        int found = 0, expected = 0, exactAgreesWithBruteForce = 0;
        for (int q = 0; q < kQueries; ++q) {
            request.query = QStringLiteral("q%1").arg(q);
            request.options.vectorPath = retrieval::RetrievalOptions::VectorPath::Exact;
            const retrieval::RetrievalResult exact = retriever.retrieve(request);
            request.options.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;
            const retrieval::RetrievalResult ann = retriever.retrieve(request);
            QCOMPARE(exact.diagnostics.vectorPath, QStringLiteral("exact"));
            QCOMPARE(ann.diagnostics.vectorPath, QStringLiteral("hnsw"));
            QCOMPARE(int(exact.chunks.size()), kK);
            QVERIFY2(!ann.diagnostics.widened, "the retriever widened to an exact pass: this query measured no pure HNSW result");

            QSet<QString> truth;
            for (const auto& chunk : exact.chunks)
                truth.insert(chunk.sourceId);
            for (const auto& chunk : ann.chunks) {
                QVERIFY2(aclOf(chunk.sourceId.mid(4).toInt()).contains(token), "HNSW returned a row outside the filter");
                found += truth.contains(chunk.sourceId) ? 1 : 0;
            }
            expected += kK;
            exactAgreesWithBruteForce += bruteForceOverlap(token, q, truth);
        }
        const double recall = double(found) / expected;
        qInfo("%s (%d authorised rows of %d, ef_search %d, iterative scan %s): HNSW recall@%d vs exact = %.4f over %d queries",
              qPrintable(token), authorised, kPoints, efSearch, iterativeScan ? "on" : "off", kK, recall, kQueries);
        QVERIFY2(recall >= 0.95, qPrintable(QStringLiteral("HNSW recall@10 %1 < 0.95").arg(recall)));
        // The exact path is the ground truth only if it really is exact.
        QVERIFY(double(exactAgreesWithBruteForce) / expected >= 0.99);
    }

    void cleanupTestCase()
    {
        if (conn_)
            conn_->exec("DELETE FROM merchants WHERE id = $1", db::PgParams().add(kMerchant));
    }

private:
    int bruteForceOverlap(const QString& token, int q, const QSet<QString>& found) const
    {
        std::vector<std::pair<double, int>> scored;
        const std::vector<float>& query = vectors_.query(q);
        for (int i = 0; i < kPoints; ++i) {
            if (!aclOf(i).contains(token))
                continue;
            double dot = 0;
            const std::vector<float>& p = vectors_.point(i);
            for (int d = 0; d < kDims; ++d)
                dot += double(query[size_t(d)]) * p[size_t(d)];
            scored.emplace_back(-dot, i);
        }
        std::partial_sort(scored.begin(), scored.begin() + kK, scored.end());
        int overlap = 0;
        for (int j = 0; j < kK; ++j)
            overlap += found.contains(QStringLiteral("syn-%1").arg(scored[size_t(j)].second)) ? 1 : 0;
        return overlap;
    }

    ClusteredVectors vectors_;
    std::optional<db::PgConnection> conn_;
    std::optional<SyntheticEmbedder> embedder_;
};

QTEST_GUILESS_MAIN(TestAnnRecall)
#include "test_ann_recall.moc"
