#include "ingest/source_parsers.h"
#include "ingest/ticket_chunker.h"

#include <QtTest>

using namespace ac::ingest;

class TestTicketChunker : public QObject {
    Q_OBJECT

private slots:
    void onePerTurn_data()
    {
        QTest::addColumn<int>("turn");
        QTest::addColumn<QString>("author");
        QTest::addColumn<QString>("textStart");
        QTest::newRow("customer_opens") << 1 << "customer" << "Customer: Where is my refund for order 4821?";
        QTest::newRow("agent_answers") << 2 << "agent" << "Agent: Thanks Dana";
        QTest::newRow("customer_follows_up") << 3 << "customer" << "Customer: It has been more than a week";
    }
    void onePerTurn()
    {
        QFETCH(int, turn);
        QFETCH(QString, author);
        QFETCH(QString, textStart);
        QFile file(QStringLiteral(":/fixtures/merchants/m01/tickets.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const std::vector<TicketSource> tickets = parseTicketsJsonl(file.readAll(), file.fileName());
        const TicketSource& t1 = tickets.front();
        QCOMPARE(t1.id, QStringLiteral("t1"));
        const std::vector<Chunk> chunks = chunkTicket(t1);
        QCOMPARE(chunks.size(), t1.messages.size());
        const Chunk& c = chunks[static_cast<size_t>(turn - 1)];
        QCOMPARE(c.citation, QStringLiteral("[Ticket t1]"));
        QCOMPARE(c.headingPath, QStringLiteral("Ticket t1 > Where is my refund for order 4821?"));
        QCOMPARE(c.section, QString::number(turn));
        QVERIFY2(c.text.startsWith(textStart), qPrintable(c.text));
        QCOMPARE(c.metadata.value(QStringLiteral("source")).toString(), QStringLiteral("ticket"));
        QCOMPARE(c.metadata.value(QStringLiteral("author")).toString(), author);
        QCOMPARE(c.metadata.value(QStringLiteral("status")).toString(), QStringLiteral("open"));
        QCOMPARE(c.metadata.value(QStringLiteral("customer_id")).toString(), QStringLiteral("u42"));
        QCOMPARE(c.metadata.value(QStringLiteral("order_number")).toString(), QStringLiteral("4821"));
        QCOMPARE(c.metadata.value(QStringLiteral("category")).toString(), QStringLiteral("refund"));
    }

    void longTurnIsSplit()
    {
        TicketSource t;
        t.id = QStringLiteral("t9");
        t.status = QStringLiteral("open");
        QStringList body;
        for (int i = 0; i < 200; ++i)
            body << QStringLiteral("Sentence %1 of a very long complaint about shipping.").arg(i);
        t.messages.push_back({QStringLiteral("customer"), body.join(QLatin1Char(' ')), {}});
        const auto chunks = chunkTicket(t, ChunkerOptions{100, 150, 20});
        QVERIFY(chunks.size() > 1);
        for (const Chunk& c : chunks) {
            QCOMPARE(c.section, QStringLiteral("1"));
            QVERIFY(c.tokenCount <= 150);
        }
    }
};

QTEST_GUILESS_MAIN(TestTicketChunker)
#include "test_ticket_chunker.moc"
