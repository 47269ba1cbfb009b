#include "db/database_target.h"

#include <QtTest>

class TestDatabaseTarget : public QObject {
    Q_OBJECT
private slots:
    void resolve_data()
    {
        QTest::addColumn<QString>("dbOption");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<bool>("embedded");
        QTest::addColumn<QString>("conninfo");
        QTest::newRow("nothing_configured") << QString() << QStringList{} << true << QString();
        QTest::newRow("db_option_conninfo") << QStringLiteral("host=db.example dbname=rag") << QStringList{} << false
                                            << QStringLiteral("host=db.example dbname=rag");
        QTest::newRow("db_option_uri") << QStringLiteral("postgresql://u@h/db") << QStringList{} << false
                                       << QStringLiteral("postgresql://u@h/db");
        QTest::newRow("pghost") << QString() << QStringList{QStringLiteral("PGHOST=/run/postgresql")} << false << QString();
        QTest::newRow("pgservice") << QString() << QStringList{QStringLiteral("PGSERVICE=rag")} << false << QString();
        QTest::newRow("pgdatabase") << QString() << QStringList{QStringLiteral("PGDATABASE=rag")} << false << QString();
        QTest::newRow("unrelated_env") << QString() << QStringList{QStringLiteral("PGPASSFILE=/x"), QStringLiteral("HOME=/root")}
                                       << true << QString();
        QTest::newRow("db_option_beats_env") << QStringLiteral("dbname=x") << QStringList{QStringLiteral("PGHOST=h")} << false
                                             << QStringLiteral("dbname=x");
    }
    void resolve()
    {
        QFETCH(QString, dbOption);
        QFETCH(QStringList, environment);
        QFETCH(bool, embedded);
        QFETCH(QString, conninfo);
        QProcessEnvironment env;
        for (const QString& pair : environment)
            env.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
        const ac::db::DatabaseTarget target = ac::db::resolveDatabaseTarget(dbOption, env);
        QCOMPARE(target.embedded, embedded);
        QCOMPARE(target.conninfo, conninfo);
    }
};

QTEST_APPLESS_MAIN(TestDatabaseTarget)
#include "test_database_target.moc"
