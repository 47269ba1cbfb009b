#include "ingest/corpus_embedder.h"
#include "ingest/corpus_model.h"
#include "ingest/vector_math.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace ac::ingest;

namespace {

// A small support corpus in which "refund" and "money back" share contexts but never a text.
QStringList supportCorpus()
{
    QStringList texts;
    texts << QStringLiteral("Refund policy: a refund is paid to the original card within five days of the return.")
          << QStringLiteral("Money back: we pay your money back to the original card within five days.")
          << QStringLiteral("Shipping: parcels leave the warehouse each morning and the courier tracks them.")
          << QStringLiteral("Passwords: reset your password from the login page; the link expires soon.")
          << QStringLiteral("Couriers: the courier scans each parcel when it leaves the warehouse.")
          << QStringLiteral("Login: the login page asks for your password and a code.");
    return texts;
}

double norm(const Embedding& v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return std::sqrt(s);
}

CorpusModelOptions small()
{
    CorpusModelOptions o;
    o.dims = 16;
    return o;
}

} // namespace

class TestCorpusModel : public QObject {
    Q_OBJECT

private slots:
    void trainingIsDeterministic()
    {
        const CorpusModel a = CorpusModel::train(supportCorpus(), small());
        const CorpusModel b = CorpusModel::train(supportCorpus(), small());
        QCOMPARE(a.checksum(), b.checksum());
        QCOMPARE(a.checksum().size(), 64);
        QCOMPARE(a.embed(QStringLiteral("card refund")), b.embed(QStringLiteral("card refund")));
        CorpusModelOptions other = small();
        other.seed += 1;
        QVERIFY(CorpusModel::train(supportCorpus(), other).checksum() != a.checksum());
    }

    void vectorsHaveTheModelsDimsAndUnitLength_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("known words") << "Where is my refund?";
        QTest::newRow("unknown words") << "zzqx vvkw";
        QTest::newRow("empty") << "";
        QTest::newRow("typo") << "refnud to my crad";
    }
    void vectorsHaveTheModelsDimsAndUnitLength()
    {
        QFETCH(QString, text);
        const CorpusModel model = CorpusModel::train(supportCorpus(), small());
        const Embedding v = model.embed(text);
        QCOMPARE(int(v.size()), 16);
        QVERIFY(std::abs(norm(v) - 1.0) < 1e-5);
    }

    void aCorpusOfLowRankLeavesTrailingDimensionsZero()
    {
        CorpusModelOptions o;
        o.dims = 384;
        const CorpusModel model = CorpusModel::train({QStringLiteral("refund card"), QStringLiteral("courier parcel")}, o);
        const Embedding v = model.embed(QStringLiteral("refund"));
        QCOMPARE(int(v.size()), 384);
        QVERIFY(std::abs(norm(v) - 1.0) < 1e-5);
        for (size_t i = 2; i < v.size(); ++i)
            QCOMPARE(v[i], 0.0f);
    }

    // Many copies of a few texts: more rows than the model's width but few independent ones, so
    // the power iterations' columns are dependent and their cheap normalisation must step aside.
    void duplicateTextsStillGiveAFiniteModel()
    {
        QStringList texts;
        for (int copy = 0; copy < 12; ++copy)
            texts << supportCorpus();
        CorpusModelOptions o;
        o.dims = 3;  // as in wordsThatShareContextsAreClose: the copies must give the same model
        const CorpusModel model = CorpusModel::train(texts, o);
        QCOMPARE(model.checksum(), CorpusModel::train(texts, o).checksum());
        const Embedding v = model.embed(QStringLiteral("money back"));
        QCOMPARE(int(v.size()), 3);
        QVERIFY(std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); }));
        QVERIFY(std::abs(norm(v) - 1.0) < 1e-5);
        const double refund = cosineSimilarity(v, model.embed(QStringLiteral("refund policy")));
        const double password = cosineSimilarity(v, model.embed(QStringLiteral("password reset")));
        QVERIFY2(refund > password + 0.3, qPrintable(QStringLiteral("%1 vs %2").arg(refund).arg(password)));
    }

    // With fewer dimensions than texts the model must merge texts that share words, which is
    // what brings "money back" next to "refund".
    void wordsThatShareContextsAreClose()
    {
        CorpusModelOptions o;
        o.dims = 3;
        const CorpusModel model = CorpusModel::train(supportCorpus(), o);
        const Embedding q = model.embed(QStringLiteral("money back"));
        const double refund = cosineSimilarity(q, model.embed(QStringLiteral("refund policy")));
        const double password = cosineSimilarity(q, model.embed(QStringLiteral("password reset")));
        QVERIFY2(refund > password + 0.3, qPrintable(QStringLiteral("%1 vs %2").arg(refund).arg(password)));
        QStringList near;
        for (const auto& n : model.nearestWords(QStringLiteral("refund"), 8))
            near << n.word;
        QVERIFY2(near.contains(QStringLiteral("card")) && !near.contains(QStringLiteral("password")),
                 qPrintable(near.join(QLatin1Char(' '))));
    }

    void unseenWordsFallBackOnTheirFragments()
    {
        const CorpusModel model = CorpusModel::train(supportCorpus(), small());
        // A typo shares trigrams with the word: it lands near it, not on the "unknown" vector.
        const Embedding typo = model.embed(QStringLiteral("pasword"));
        const Embedding unknown = model.embed(QStringLiteral("zzqx"));
        QVERIFY(typo != unknown);
        QVERIFY(cosineSimilarity(typo, model.embed(QStringLiteral("password")))
                > cosineSimilarity(typo, model.embed(QStringLiteral("courier"))));
        // Nothing known at all: the fixed unit vector, so cosine distance stays defined.
        QCOMPARE(unknown[0], 1.0f);
    }

    void serialisationRoundTrips()
    {
        const CorpusModel model = CorpusModel::train(supportCorpus(), small());
        const CorpusModel copy = CorpusModel::deserialize(model.serialize());
        QCOMPARE(copy.checksum(), model.checksum());
        QCOMPARE(copy.dims(), model.dims());
        QCOMPARE(copy.vocabularySize(), model.vocabularySize());
        QCOMPARE(copy.embed(QStringLiteral("refund to card")), model.embed(QStringLiteral("refund to card")));
    }

    void corruptBlobsAreRejected_data()
    {
        QTest::addColumn<QByteArray>("blob");
        const QByteArray good = CorpusModel::train(supportCorpus(), small()).serialize();
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("not a model") << QByteArray("hello world, not a model");
        QTest::newRow("truncated") << good.left(good.size() / 2);
        QTest::newRow("trailing bytes") << good + QByteArray("x");
    }
    void corruptBlobsAreRejected()
    {
        QFETCH(QByteArray, blob);
        QVERIFY_THROWS_EXCEPTION(EmbeddingError, CorpusModel::deserialize(blob));
    }

    void anEmptyCorpusIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(EmbeddingError, CorpusModel::train({}, small()));
        QVERIFY_THROWS_EXCEPTION(EmbeddingError, CorpusModel::train({QStringLiteral("?! ..."), QString()}, small()));
    }

    void theEmbedderRecordsTheModelsChecksum()
    {
        auto model = std::make_shared<const CorpusModel>(CorpusModel::train(supportCorpus(), small()));
        CorpusEmbedder embedder(model);
        QCOMPARE(embedder.spec().provider, QStringLiteral("corpus"));
        QCOMPARE(embedder.spec().model, QString::fromLatin1(CorpusModel::kModelName));
        QCOMPARE(embedder.spec().dims, 16);
        QCOMPARE(embedder.spec().version, model->checksum());
        QCOMPARE(embedder.embed({QStringLiteral("a"), QStringLiteral("b")}).size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestCorpusModel)
#include "test_corpus_model.moc"
