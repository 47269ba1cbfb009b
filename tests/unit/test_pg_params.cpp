#include "db/pg_params.h"
#include "db/pg_result.h"

#include <QtTest>

using ac::db::PgParams;
using ac::db::PgResult;

class TestPgParams : public QObject {
    Q_OBJECT
private slots:
    void textArrayRoundTrip_data()
    {
        QTest::addColumn<QStringList>("values");
        QTest::newRow("empty") << QStringList{};
        QTest::newRow("plain") << QStringList{QStringLiteral("u1"), QStringLiteral("role:staff")};
        QTest::newRow("quotes_and_commas") << QStringList{QStringLiteral("a,\"b\""), QStringLiteral("c\\d")};
        QTest::newRow("braces_and_spaces") << QStringList{QStringLiteral("{x}"), QStringLiteral(" y ")};
        QTest::newRow("empty_element") << QStringList{QString()};
        QTest::newRow("unicode") << QStringList{QStringLiteral("caf\u00e9"), QStringLiteral("\u65e5\u672c")};
    }
    void textArrayRoundTrip()
    {
        QFETCH(QStringList, values);
        QCOMPARE(PgResult::parseTextArray(PgParams::textArrayLiteral(values)), values);
    }

    void vectorLiteral()
    {
        const float values[] = {0.5f, -1.0f, 0.25f};
        QCOMPARE(PgParams::vectorLiteral(values), QByteArray("[0.5,-1,0.25]"));
    }

    void nullParameterIsNullPointer()
    {
        PgParams params;
        params.add(QStringLiteral("x")).addNull().add(qint64(42));
        QCOMPARE(params.size(), 3);
        QCOMPARE(QByteArray(params.data()[0]), QByteArray("x"));
        QVERIFY(params.data()[1] == nullptr);
        QCOMPARE(QByteArray(params.data()[2]), QByteArray("42"));
    }
};

QTEST_APPLESS_MAIN(TestPgParams)
#include "test_pg_params.moc"
