#include "retrieval/fusion.h"

#include <QTest>

using namespace ac::retrieval;

namespace {

std::vector<RetrievedChunk> hits(std::initializer_list<qint64> ids, bool vector)
{
    std::vector<RetrievedChunk> out;
    double score = 1.0;
    for (qint64 id : ids) {
        RetrievedChunk c;
        c.chunkId = id;
        if (vector)
            c.scores.vectorSimilarity = score;
        else
            c.scores.lexicalScore = score;
        score -= 0.1;
        out.push_back(c);
    }
    return out;
}

QList<qint64> ids(const std::vector<RetrievedChunk>& chunks)
{
    QList<qint64> out;
    for (const auto& c : chunks)
        out << c.chunkId;
    return out;
}

} // namespace

class TestFusion : public QObject {
    Q_OBJECT
private slots:
    void order_data()
    {
        QTest::addColumn<QList<qint64>>("vector");
        QTest::addColumn<QList<qint64>>("lexical");
        QTest::addColumn<double>("vectorWeight");
        QTest::addColumn<double>("lexicalWeight");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::newRow("both_legs_agree_wins") << QList<qint64>{1, 2, 3} << QList<qint64>{3, 4} << 1.0 << 1.0
                                              << QList<qint64>{3, 1, 2, 4};
        QTest::newRow("vector_only") << QList<qint64>{5, 6} << QList<qint64>{} << 1.0 << 1.0 << QList<qint64>{5, 6};
        QTest::newRow("lexical_only") << QList<qint64>{} << QList<qint64>{7, 8} << 1.0 << 1.0 << QList<qint64>{7, 8};
        QTest::newRow("tie_breaks_on_chunk_id") << QList<qint64>{9} << QList<qint64>{2} << 1.0 << 1.0
                                                << QList<qint64>{2, 9};
        QTest::newRow("lexical_weighted_up") << QList<qint64>{1, 2} << QList<qint64>{2} << 1.0 << 0.0
                                             << QList<qint64>{1, 2};
        QTest::newRow("lexical_weight_dominates") << QList<qint64>{1, 2} << QList<qint64>{2} << 1.0 << 3.0
                                                  << QList<qint64>{2, 1};
    }
    void order()
    {
        QFETCH(QList<qint64>, vector);
        QFETCH(QList<qint64>, lexical);
        QFETCH(double, vectorWeight);
        QFETCH(double, lexicalWeight);
        QFETCH(QList<qint64>, expected);
        std::vector<RetrievedChunk> v, l;
        for (qint64 id : vector) { RetrievedChunk c; c.chunkId = id; v.push_back(c); }
        for (qint64 id : lexical) { RetrievedChunk c; c.chunkId = id; l.push_back(c); }
        const auto fused = fuse(v, l, {FusionMethod::Rrf, 60, vectorWeight, lexicalWeight});
        QCOMPARE(ids(fused), expected);
        for (size_t i = 0; i < fused.size(); ++i)
            QCOMPARE(fused[i].rank, int(i) + 1);
    }

    void keepsEveryLegScore()
    {
        const auto fused = fuse(hits({1, 2}, true), hits({2, 3}, false), {FusionMethod::Rrf, 60, 1.0, 1.0});
        QCOMPARE(fused.size(), size_t(3));
        const RetrievedChunk& both = fused.front();
        QCOMPARE(both.chunkId, 2);
        QCOMPARE(*both.scores.vectorRank, 2);
        QCOMPARE(*both.scores.lexicalRank, 1);
        QVERIFY(both.scores.vectorSimilarity && both.scores.lexicalScore);
        QCOMPARE(both.scores.fused, 1.0 / 62 + 1.0 / 61);
    }

    void rrfKChangesTheBalance()
    {
        // Small k rewards the top of one list more than a middle rank in both.
        const auto smallK = fuse(hits({1, 3, 5, 2}, true), hits({4, 6, 7, 2}, false), {FusionMethod::Rrf, 1, 1.0, 1.0});
        const auto largeK = fuse(hits({1, 3, 5, 2}, true), hits({4, 6, 7, 2}, false), {FusionMethod::Rrf, 60, 1.0, 1.0});
        QCOMPARE(smallK.front().chunkId, 1);
        QCOMPARE(largeK.front().chunkId, 2);
    }

    void convexCombinesNormalisedScores()
    {
        // Vector similarities 1.0, 0.9 (ids 1, 2) normalise to 1, 0; lexical 1.0, 0.9, 0.8 (ids 2, 3,
        // 4) to 1, 0.5, 0. With weights 0.4 / 0.6: 1 -> 0.4, 2 -> 0 + 0.6, 3 -> 0.3, 4 -> 0.
        const auto fused = fuse(hits({1, 2}, true), hits({2, 3, 4}, false), {FusionMethod::Convex, 60, 0.4, 0.6});
        QCOMPARE(ids(fused), (QList<qint64>{2, 1, 3, 4}));
        QCOMPARE(fused[0].scores.fused, 0.6);
        QCOMPARE(fused[1].scores.fused, 0.4);
        QVERIFY(qAbs(fused[2].scores.fused - 0.3) < 1e-12);
        QCOMPARE(fused[3].scores.fused, 0.0);
    }

    void convexWithOneLegIsThatLeg()
    {
        // Weight 0 on a leg leaves the other leg's order (its scores, not only its ranks).
        const auto lexicalOnly = fuse(hits({1, 2, 3}, true), hits({3, 2, 1}, false), {FusionMethod::Convex, 60, 0.0, 1.0});
        QCOMPARE(ids(lexicalOnly), (QList<qint64>{3, 2, 1}));
        const auto equalScores = fuse({}, [] { auto l = hits({5, 6}, false); l[1].scores.lexicalScore = 1.0; return l; }(),
                                      {FusionMethod::Convex, 60, 1.0, 1.0});
        QCOMPARE(equalScores[0].scores.fused, 1.0);
        QCOMPARE(equalScores[1].scores.fused, 1.0);
    }
};

QTEST_APPLESS_MAIN(TestFusion)
#include "test_fusion.moc"
