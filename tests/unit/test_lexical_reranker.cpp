#include "retrieval/lexical_reranker.h"

#include <QTest>

using namespace ac::retrieval;

namespace {

RetrievedChunk chunk(qint64 id, const QString& heading, const QString& text, double fused = 0.01)
{
    RetrievedChunk c;
    c.chunkId = id;
    c.headingPath = heading;
    c.text = text;
    c.scores.fused = fused;
    return c;
}

} // namespace

class TestLexicalReranker : public QObject {
    Q_OBJECT
private slots:
    void prefers_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("betterHeading");
        QTest::addColumn<QString>("betterText");
        QTest::addColumn<QString>("worseHeading");
        QTest::addColumn<QString>("worseText");
        QTest::newRow("coverage") << "refund card arrive" << "Refunds" << "Card refunds arrive in 5-7 days."
                                  << "Refunds" << "Refunds need a label.";
        QTest::newRow("identifier_exact") << "where is order 4821" << "Ticket" << "Refund for order 4821 is late."
                                          << "Ticket" << "Refund for order 4833 is late.";
        QTest::newRow("sku_exact") << "WID-BLU-01 refund" << "Item" << "The WID-BLU-01 widget refund."
                                   << "Item" << "The WID-RED-02 widget refund.";
        QTest::newRow("phrase") << "blue widget" << "" << "The blue widget is back." << ""
                                << "A widget that is blue.";
        QTest::newRow("heading_field") << "password reset" << "Account > Password reset" << "Visit the page."
                                       << "Shipping" << "Visit the page.";
    }
    void prefers()
    {
        QFETCH(QString, query);
        QFETCH(QString, betterHeading);
        QFETCH(QString, betterText);
        QFETCH(QString, worseHeading);
        QFETCH(QString, worseText);
        LexicalReranker reranker;
        std::vector<RetrievedChunk> candidates{chunk(1, worseHeading, worseText), chunk(2, betterHeading, betterText)};
        const auto scores = reranker.score(query, candidates);
        QCOMPARE(scores.size(), size_t(2));
        QVERIFY2(scores[1] > scores[0], qPrintable(QStringLiteral("%1 <= %2").arg(scores[1]).arg(scores[0])));
    }

    void priorBreaksTies()
    {
        LexicalReranker reranker;
        std::vector<RetrievedChunk> c{chunk(1, "", "same text", 0.01), chunk(2, "", "same text", 0.03)};
        const auto scores = reranker.score("unrelated", c);
        QVERIFY(scores[1] > scores[0]);
    }

    void applyRerankReordersHeadOnly()
    {
        LexicalReranker reranker;
        std::vector<RetrievedChunk> c{chunk(1, "", "nothing here", 0.03), chunk(2, "", "refund policy", 0.02),
                                      chunk(3, "", "refund refund", 0.01)};
        applyRerank(reranker, "refund policy", c, 2);
        QCOMPARE(c[0].chunkId, 2);
        QCOMPARE(c[1].chunkId, 1);
        QCOMPARE(c[2].chunkId, 3);  // beyond the depth: not reranked, keeps its place
        QVERIFY(!c[2].scores.rerank.has_value());
        QCOMPARE(c[2].rank, 3);
    }
};

QTEST_APPLESS_MAIN(TestLexicalReranker)
#include "test_lexical_reranker.moc"
