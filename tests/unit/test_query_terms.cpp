#include "retrieval/query_terms.h"

#include <QTest>

using namespace ac::retrieval;

class TestQueryTerms : public QObject {
    Q_OBJECT
private slots:
    void tokenize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::newRow("words") << "Where is my Refund?" << QStringList{"where", "is", "my", "refund"};
        QTest::newRow("hash_order") << "Order #4821." << QStringList{"order", "4821"};
        QTest::newRow("sku_keeps_hyphens") << "WID-BLU-01 broke" << QStringList{"wid-blu-01", "broke"};
        QTest::newRow("dangling_hyphens") << "- well -done-" << QStringList{"well", "done"};
        QTest::newRow("tsquery_operators_dropped") << "a&b | !c:* (d) <-> 'e'"
                                                   << QStringList{"a", "b", "c", "d", "e"};
        QTest::newRow("empty") << "" << QStringList{};
    }
    void tokenize()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QCOMPARE(ac::retrieval::tokenize(text), tokens);
    }

    void stem_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("stem");
        QTest::newRow("plural") << "refunds" << "refund";
        QTest::newRow("ies") << "policies" << "policy";
        QTest::newRow("ing") << "shipping" << "shipp";
        QTest::newRow("ed") << "arrived" << "arriv";
        QTest::newRow("ss_kept") << "address" << "address";
        QTest::newRow("identifier_kept") << "4821s" << "4821s";
        QTest::newRow("short_kept") << "its" << "its";
    }
    void stem()
    {
        QFETCH(QString, word);
        QFETCH(QString, stem);
        QCOMPARE(stemWord(word), stem);
    }

    void extractsMeaningfulTerms()
    {
        const QueryTerms t = extractQueryTerms(
            QStringLiteral("I ordered the blue widget on Tuesday and the refund never arrived. Order #4821."));
        QCOMPARE(t.identifiers, QStringList{"4821"});
        QCOMPARE(t.words, (QStringList{"ordered", "blue", "widget", "tuesday", "refund", "arrived", "order"}));
        QVERIFY(t.phrases.contains("blue widget"));
        QVERIFY(!t.phrases.contains("tuesday refund"));  // a stop word sits between them
    }

    void capsTermCount()
    {
        QString longMessage;
        for (int i = 0; i < 100; ++i)
            longMessage += QStringLiteral("word%1x ").arg(i);
        QCOMPARE(extractQueryTerms(longMessage, 32).identifiers.size(), 32);
    }

    void onlyStopWordsGiveEmptyQuery()
    {
        const QueryTerms t = extractQueryTerms(QStringLiteral("where is it?"));
        QVERIFY(t.words.isEmpty() && t.identifiers.isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestQueryTerms)
#include "test_query_terms.moc"
