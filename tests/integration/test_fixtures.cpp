#include "fixtures/fixture_loader.h"
#include "ingest/embedder_factory.h"
#include "support/test_database.h"

#include <QtTest>

using namespace ac;

// The demo data the console opens on: the seed's merchant, documents, tickets, order and agents,
// plus a second merchant.
class TestFixtures : public QObject {
    Q_OBJECT

    qint64 count(const char* sql)
    {
        db::PgConnection conn = test::TestDatabase::instance().connect();
        return conn.exec(sql).integer(0, 0);
    }

private slots:
    void initTestCase() { test::TestDatabase::instance().seedFixtures(); }

    void seedRowsExist_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("two_merchants") << QStringLiteral("SELECT count(*) FROM merchants") << qint64(2);
        QTest::newRow("acme_is_m01") << QStringLiteral("SELECT count(*) FROM merchants WHERE id = 'm01' AND name LIKE 'Acme%'") << qint64(1);
        QTest::newRow("alice_and_bob") << QStringLiteral("SELECT count(*) FROM agents WHERE merchant_id = 'm01' AND id IN ('u1', 'u3')") << qint64(2);
        QTest::newRow("bob_is_refund_only")
            << QStringLiteral("SELECT count(*) FROM agents WHERE id = 'u3' AND kind = 'contractor' AND acl_tokens @> '{topic:refund}' "
                              "AND NOT acl_tokens && '{role:staff}'")
            << qint64(1);
        QTest::newRow("seed_documents") << QStringLiteral("SELECT count(*) FROM support_documents WHERE id IN ('d7', 'd9')") << qint64(2);
        QTest::newRow("seed_tickets") << QStringLiteral("SELECT count(*) FROM tickets WHERE merchant_id = 'm01' AND id IN ('t1', 't3', 't5')") << qint64(3);
        QTest::newRow("order_4821_blue_widget_refund_requested")
            << QStringLiteral("SELECT count(*) FROM orders o JOIN order_items i USING (merchant_id, order_number) "
                              "WHERE o.merchant_id = 'm01' AND o.order_number = '4821' AND i.description = 'Blue widget' "
                              "AND o.refund_state = 'requested' AND extract(isodow FROM o.ordered_at) = 2")
            << qint64(1);
        QTest::newRow("documents_are_chunked_with_citations")
            << QStringLiteral("SELECT count(DISTINCT document_id) FROM chunks WHERE document_id IN ('d7', 'd9') AND citation <> ''")
            << qint64(2);
        QTest::newRow("tickets_are_chunked")
            << QStringLiteral("SELECT count(DISTINCT ticket_id) FROM chunks WHERE ticket_id IN ('t1', 't3', 't5')") << qint64(3);
        QTest::newRow("second_merchant_has_its_own_rows")
            << QStringLiteral("SELECT count(*) FROM chunks WHERE merchant_id = 'm02'") << qint64(-1);
    }
    void seedRowsExist()
    {
        QFETCH(QString, sql);
        QFETCH(qint64, expected);
        const qint64 actual = count(sql.toUtf8().constData());
        if (expected < 0)
            QVERIFY2(actual > 0, qPrintable(sql));
        else
            QCOMPARE(actual, expected);
    }

    void reloadingChangesNothing()
    {
        const qint64 chunksBefore = count("SELECT count(*) FROM chunks");
        const qint64 maxIdBefore = count("SELECT max(id) FROM chunks");
        db::PgConnection conn = test::TestDatabase::instance().connect();
        fixtures::FixtureLoader(conn, ingest::EmbedderConfig::fromEnvironment()).loadAll();
        QCOMPARE(count("SELECT count(*) FROM chunks"), chunksBefore);
        QCOMPARE(count("SELECT max(id) FROM chunks"), maxIdBefore);
    }
};

QTEST_GUILESS_MAIN(TestFixtures)
#include "test_fixtures.moc"
