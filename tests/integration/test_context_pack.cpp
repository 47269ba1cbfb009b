#include "agent/agent_directory.h"
#include "agent/context_pack_builder.h"
#include "retrieval/vector_path.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

// The agent context for a pasted customer message: order facts, ACL-filtered ticket history and
// the top chunks, each cited.
class TestContextPack : public QObject {
    Q_OBJECT

    std::unique_ptr<db::PgConnection> conn_;

    agent::ContextPack build(const QString& agentId, const QString& message)
    {
        retrieval::RetrievalOptions options;
        options.k = 3;
        return agent::ContextPackBuilder(*conn_).build(*agent::AgentDirectory(*conn_).byId(agentId), message,
                                                                   options);
    }

    static QStringList ticketIds(const agent::ContextPack& pack)
    {
        QStringList ids;
        for (const auto& t : pack.tickets)
            ids << t.ticketId;
        return ids;
    }

private slots:
    void initTestCase()
    {
        test::TestDatabase::instance().seedFixtures();
        conn_ = std::make_unique<db::PgConnection>(test::TestDatabase::instance().connect());
    }

    void seedChatForAlice()
    {
        const auto pack = build(QStringLiteral("u1"), QStringLiteral(
            "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821."));
        QCOMPARE(pack.parsed.orderNumbers, QStringList{"4821"});
        QCOMPARE(pack.orders.size(), size_t(1));
        const auto& order = pack.orders.front();
        QCOMPARE(order.customerId, QStringLiteral("u42"));
        QCOMPARE(order.status, QStringLiteral("delivered"));
        QCOMPARE(order.refundState, QStringLiteral("requested"));
        QCOMPARE(order.currency, QStringLiteral("USD"));
        QCOMPARE(order.items.size(), size_t(1));
        QCOMPARE(order.items.front().description, QStringLiteral("Blue widget"));
        QCOMPARE(order.orderedAt->date().dayOfWeek(), 2);  // a Tuesday
        QCOMPARE(order.citation, QStringLiteral("[Order #4821]"));
        QCOMPARE(pack.customerIds, QStringList{"u42"});
        QVERIFY(ticketIds(pack).contains("t1"));
        QCOMPARE(pack.tickets.front().citation, QStringLiteral("[Ticket t1]"));
        QCOMPARE(pack.tickets.front().messageCount, 3);
        QCOMPARE(pack.chunks.size(), size_t(3));
        bool policy = false;
        for (const auto& c : pack.chunks)
            policy = policy || c.sourceId == "d7";
        QVERIFY(policy);

        const QString text = agent::contextPackToText(pack);
        QVERIFY(text.contains("[Order #4821]"));
        QVERIFY(text.contains("refund requested"));
        QVERIFY(text.contains("[Ticket t1]"));
        QVERIFY(text.contains(pack.chunks.front().citation));
        const QJsonObject json = agent::contextPackToJson(pack);
        QCOMPARE(json.value("orders").toArray().size(), 1);
        QCOMPARE(json.value("chunks").toArray().size(), 3);
    }

    void ticketHistoryIsAclFiltered_data()
    {
        QTest::addColumn<QString>("agentId");
        QTest::addColumn<bool>("seesT3");
        QTest::newRow("alice") << "u1" << true;
        QTest::newRow("bob") << "u3" << false;
    }
    void ticketHistoryIsAclFiltered()
    {
        QFETCH(QString, agentId);
        QFETCH(bool, seesT3);
        // Marcus (u7) owns order 4790 and the password ticket t3.
        const auto pack = build(agentId, QStringLiteral("Hi, it's marcus.lee@example.com, order 4790: my password reset link expired"));
        QCOMPARE(pack.customerIds, QStringList{"u7"});
        QCOMPARE(pack.orders.size(), size_t(1));
        QCOMPARE(ticketIds(pack).contains("t3"), seesT3);
        for (const auto& c : pack.chunks)
            if (!seesT3)
                QVERIFY(c.sourceId != "t3" && c.sourceId != "d9");
        if (!seesT3)
            QVERIFY(!agent::contextPackToText(pack).contains("t3"));
    }

    void otherMerchantsOrderStaysThere()
    {
        // Both merchants have an order 4821; Carol gets Globex's, never Acme's.
        const auto pack = build(QStringLiteral("u9"), QStringLiteral("Where is my refund for order 4821?"));
        QCOMPARE(pack.orders.size(), size_t(1));
        QCOMPARE(pack.orders.front().customerId, QStringLiteral("c100"));
        QCOMPARE(pack.orders.front().currency, QStringLiteral("EUR"));
        QCOMPARE(ticketIds(pack), QStringList{"g-t1"});
        for (const auto& c : pack.chunks)
            QVERIFY(c.sourceId == "g1" || c.sourceId == "g-t1");
    }

    // A builder made per question (as the console makes one) reuses the planner estimates of the
    // session's earlier questions through the cache it is given.
    void buildersShareThePlannerEstimates()
    {
        retrieval::RetrievalOptions options;
        options.exactScanThreshold = 0;  // no exact counts: the estimates stand
        const auto cache = std::make_shared<retrieval::PathEstimateCache>();
        const auto notes = [&] {
            agent::ContextPackBuilder builder(*conn_);
            builder.setEstimateCache(cache);
            return builder.build(*agent::AgentDirectory(*conn_).byId(QStringLiteral("u1")), QStringLiteral("refund"), options)
                .retrieval.notes;
        };
        const QString reused = QStringLiteral("row counts are planner estimates (reused");
        QVERIFY(notes().filter(reused).isEmpty());
        QCOMPARE(notes().filter(reused).size(), 1);
    }

    void unknownOrderIsSaid()
    {
        const auto pack = build(QStringLiteral("u1"), QStringLiteral("order #99999 never came"));
        QVERIFY(pack.orders.empty());
        QCOMPARE(pack.unknownOrders, QStringList{"99999"});
        QVERIFY(pack.tickets.empty());
    }
};

QTEST_GUILESS_MAIN(TestContextPack)
#include "test_context_pack.moc"
