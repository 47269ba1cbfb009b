#include "agent/context_pack.h"

#include <QJsonArray>
#include <QTest>

using namespace ac::agent;

namespace {

ContextPack samplePack()
{
    ContextPack pack;
    pack.message = QStringLiteral("Refund never arrived. Order #4821.");
    pack.agent.agentId = QStringLiteral("u1");
    pack.agent.merchantId = QStringLiteral("m01");
    pack.parsed.orderNumbers = {QStringLiteral("4821"), QStringLiteral("9999")};
    pack.customerIds = {QStringLiteral("u42")};
    OrderFacts order;
    order.orderNumber = QStringLiteral("4821");
    order.customerId = QStringLiteral("u42");
    order.customerName = QStringLiteral("Dana Whitfield");
    order.status = QStringLiteral("delivered");
    order.refundState = QStringLiteral("requested");
    order.totalCents = 3499;
    order.currency = QStringLiteral("USD");
    order.orderedAt = QDateTime(QDate(2026, 11, 10), QTime(14, 32), Qt::UTC);
    order.refundRequestedAt = QDateTime(QDate(2026, 11, 14), QTime(10, 5), Qt::UTC);
    order.items.push_back({1, QStringLiteral("WID-BLU-01"), QStringLiteral("Blue widget"), 1, 3499});
    order.citation = QStringLiteral("[Order #4821]");
    pack.orders.push_back(order);
    pack.unknownOrders = {QStringLiteral("9999")};
    TicketFact ticket;
    ticket.ticketId = QStringLiteral("t1");
    ticket.status = QStringLiteral("open");
    ticket.category = QStringLiteral("refund");
    ticket.orderNumber = QStringLiteral("4821");
    ticket.createdAt = QDateTime(QDate(2026, 11, 19), QTime(9, 12), Qt::UTC);
    ticket.openingMessage = QStringLiteral("Where is my refund for order 4821?");
    ticket.lastMessage = QStringLiteral("Still nothing.");
    ticket.lastAuthor = QStringLiteral("customer");
    ticket.messageCount = 3;
    ticket.citation = QStringLiteral("[Ticket t1]");
    pack.tickets.push_back(ticket);
    for (int i = 1; i <= 2; ++i) {
        ac::retrieval::RetrievedChunk c;
        c.rank = i;
        c.chunkId = 10 + i;
        c.citation = QStringLiteral("[Refund Policy §%1]").arg(i);
        c.text = QStringLiteral("Policy\n text %1").arg(i);
        pack.chunks.push_back(c);
    }
    return pack;
}

} // namespace

class TestContextPackRender : public QObject {
    Q_OBJECT
private slots:
    void money_data()
    {
        QTest::addColumn<qint64>("cents");
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << qint64(3499) << "34.99 USD";
        QTest::newRow("padded") << qint64(1205) << "12.05 USD";
        QTest::newRow("zero") << qint64(0) << "0.00 USD";
        QTest::newRow("negative") << qint64(-50) << "-0.50 USD";
    }
    void money()
    {
        QFETCH(qint64, cents);
        QFETCH(QString, text);
        QCOMPARE(formatMoney(cents, QStringLiteral("USD")), text);
    }

    void textCitesEveryFactInRankOrder()
    {
        const QString text = contextPackToText(samplePack());
        QVERIFY(text.contains("- [Order #4821] Order #4821 for customer Dana Whitfield (u42): status delivered, "
                              "refund requested, total 34.99 USD, ordered 2026-11-10, refund requested 2026-11-14, "
                              "items: 1 x Blue widget (WID-BLU-01) at 34.99 USD."));
        QVERIFY(text.contains("Order #9999 was mentioned but does not exist"));
        QVERIFY(text.contains("- [Ticket t1] open, refund, opened 2026-11-19, order #4821: "
                              "\"Where is my refund for order 4821?\" Latest (customer): \"Still nothing.\""));
        const qsizetype first = text.indexOf("1. [Refund Policy §1] Policy text 1");
        const qsizetype second = text.indexOf("2. [Refund Policy §2] Policy text 2");
        QVERIFY(first > 0 && second > first);
    }

    void emptyPackSaysSo()
    {
        ContextPack pack;
        pack.message = QStringLiteral("hi");
        const QString text = contextPackToText(pack);
        QVERIFY(text.contains("No order number in the message."));
        QVERIFY(text.contains("No earlier tickets visible to this agent."));
        QVERIFY(text.contains("Nothing relevant found."));
    }

    void json()
    {
        const QJsonObject o = contextPackToJson(samplePack());
        QCOMPARE(o.value("merchant_id").toString(), QStringLiteral("m01"));
        const QJsonObject order = o.value("orders").toArray().first().toObject();
        QCOMPARE(order.value("citation").toString(), QStringLiteral("[Order #4821]"));
        QCOMPARE(order.value("ordered_at").toString(), QStringLiteral("2026-11-10T14:32:00Z"));
        QVERIFY(order.value("shipped_at").isNull());
        QCOMPARE(order.value("items").toArray().first().toObject().value("sku").toString(), QStringLiteral("WID-BLU-01"));
        QCOMPARE(o.value("tickets").toArray().first().toObject().value("citation").toString(), QStringLiteral("[Ticket t1]"));
        const QJsonArray chunks = o.value("chunks").toArray();
        QCOMPARE(chunks.size(), 2);
        QCOMPARE(chunks.at(0).toObject().value("rank").toInt(), 1);
        QCOMPARE(chunks.at(1).toObject().value("citation").toString(), QStringLiteral("[Refund Policy §2]"));
        QCOMPARE(o.value("extracted").toObject().value("order_numbers").toArray().size(), 2);
    }
};

QTEST_APPLESS_MAIN(TestContextPackRender)
#include "test_context_pack_render.moc"
