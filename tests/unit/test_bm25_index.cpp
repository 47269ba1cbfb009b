#include "eval/bm25_index.h"

#include <QtTest>

#include <cmath>

using namespace ac::eval;

class TestBm25Index : public QObject {
    Q_OBJECT
private slots:
    void tokens_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("case_and_punctuation") << QStringLiteral("Where is my REFUND? Order #4821.")
                                              << QStringList{"where", "is", "my", "refund", "order", "4821"};
        QTest::newRow("no_stemming") << QStringLiteral("refunds refunded") << QStringList{"refunds", "refunded"};
        QTest::newRow("accented_letters_kept") << QStringLiteral("Café-crème") << QStringList{"café", "crème"};
        QTest::newRow("empty") << QString() << QStringList{};
    }
    void tokens()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QCOMPARE(bm25Tokens(text), tokens);
    }

    void scoresMatchTheOkapiFormula()
    {
        Bm25Index index({1.2, 0.75});
        index.add(QStringLiteral("d1"), QStringLiteral("refund refund policy"));
        index.add(QStringLiteral("d2"), QStringLiteral("password reset link"));
        index.add(QStringLiteral("d3"), QStringLiteral("shipping times"));
        const auto hits = index.search(QStringLiteral("refund"), 10);
        QCOMPARE(hits.size(), size_t(1));
        QCOMPARE(hits[0].id, QStringLiteral("d1"));
        const double n = 3, df = 1, avgdl = 8.0 / 3.0, tf = 2, dl = 3;
        const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
        const double expected = idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl));
        QVERIFY(qAbs(hits[0].score - expected) < 1e-9);
    }

    void ranksByScoreAndKeepsInsertionOrderOnTies()
    {
        Bm25Index index;
        index.add(QStringLiteral("a"), QStringLiteral("blue widget"));
        index.add(QStringLiteral("b"), QStringLiteral("blue widget"));
        index.add(QStringLiteral("c"), QStringLiteral("blue widget refund refund"));
        index.add(QStringLiteral("d"), QStringLiteral("nothing in common"));
        const auto hits = index.search(QStringLiteral("refund for the blue widget"), 10);
        QCOMPARE(hits.size(), size_t(3));
        QCOMPARE(hits[0].id, QStringLiteral("c"));
        QCOMPARE(hits[1].id, QStringLiteral("a"));
        QCOMPARE(hits[2].id, QStringLiteral("b"));
        QCOMPARE(index.search(QStringLiteral("blue"), 1).size(), size_t(1));
    }

    void repeatedQueryTermsCountOnce()
    {
        Bm25Index index;
        index.add(QStringLiteral("a"), QStringLiteral("refund"));
        index.add(QStringLiteral("b"), QStringLiteral("other words"));
        QCOMPARE(index.search(QStringLiteral("refund refund"), 1)[0].score, index.search(QStringLiteral("refund"), 1)[0].score);
    }

    void emptyIndexAndQuery()
    {
        Bm25Index index;
        QVERIFY(index.search(QStringLiteral("x"), 5).empty());
        index.add(QStringLiteral("a"), QStringLiteral("x"));
        QVERIFY(index.search(QString(), 5).empty());
        QVERIFY(index.search(QStringLiteral("x"), 0).empty());
    }
};

QTEST_APPLESS_MAIN(TestBm25Index)
#include "test_bm25_index.moc"
