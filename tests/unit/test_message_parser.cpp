#include "agent/message_parser.h"

#include <QTest>

using namespace ac::agent;

class TestMessageParser : public QObject {
    Q_OBJECT
private slots:
    void extracts_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("orders");
        QTest::addColumn<QStringList>("emails");
        QTest::addColumn<QStringList>("customers");
        QTest::addColumn<QStringList>("skus");
        QTest::newRow("seed_chat")
            << "I ordered the blue widget on Tuesday and the refund never arrived. Order #4821."
            << QStringList{"4821"} << QStringList{} << QStringList{} << QStringList{};
        QTest::newRow("order_word") << "where is order 4821 and order no. 4833?" << QStringList{"4821", "4833"}
                                    << QStringList{} << QStringList{} << QStringList{};
        QTest::newRow("order_number_is") << "My order number is 4710" << QStringList{"4710"} << QStringList{}
                                         << QStringList{} << QStringList{};
        QTest::newRow("dedup") << "#4821 ... order #4821" << QStringList{"4821"} << QStringList{} << QStringList{}
                               << QStringList{};
        QTest::newRow("email_and_customer")
            << "This is Dana.Whitfield@Example.com, customer id u42, account: C100"
            << QStringList{} << QStringList{"dana.whitfield@example.com"} << QStringList{"u42", "C100"} << QStringList{};
        QTest::newRow("sku") << "The WID-BLU-01 arrived but not the cab-usb-2m" << QStringList{} << QStringList{}
                             << QStringList{} << QStringList{"WID-BLU-01"};
        QTest::newRow("not_orders") << "I waited 30 days, call 555-1234, 2 items, html &#4821;" << QStringList{}
                                    << QStringList{} << QStringList{} << QStringList{};
        QTest::newRow("empty") << "" << QStringList{} << QStringList{} << QStringList{} << QStringList{};
    }
    void extracts()
    {
        QFETCH(QString, message);
        QFETCH(QStringList, orders);
        QFETCH(QStringList, emails);
        QFETCH(QStringList, customers);
        QFETCH(QStringList, skus);
        const ParsedMessage parsed = parseCustomerMessage(message);
        QCOMPARE(parsed.orderNumbers, orders);
        QCOMPARE(parsed.emails, emails);
        QCOMPARE(parsed.customerIds, customers);
        QCOMPARE(parsed.productCodes, skus);
    }
};

QTEST_APPLESS_MAIN(TestMessageParser)
#include "test_message_parser.moc"
