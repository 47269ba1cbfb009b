// Scale-out past one server (issue 16): two real clusters, Acme (m01) on one and Globex (m02) on the
// other, a shard map that routes ragctl by merchant, agents that exist only on their merchant's
// server, and `ragctl shards` finding a merchant the map sends to the wrong server.

#include "db/db_error.h"
#include "db/embedded_cluster.h"
#include "db/migrator.h"
#include "db/shard_map.h"
#include "fixtures/fixture_loader.h"
#include "security/agent_session.h"
#include "support/ragctl_runner.h"
#include "support/test_database.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace ac;

namespace {

QString writeMap(const QTemporaryDir& dir, const QString& name, const QJsonObject& map)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(QJsonDocument(map).toJson());
    return path;
}

bool canLogIn(const QString& conninfo, const QString& role, const QString& password)
{
    try {
        security::AgentLogin login;
        login.agent = role;
        login.password = password;
        security::openAgentSession(conninfo, login);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

class TestShards : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QTemporaryDir westDir_{QStringLiteral("/tmp/agent-console-shard-XXXXXX")};
    std::unique_ptr<db::EmbeddedCluster> west_;
    QString east_;  // the test database: shard "east"
    QString map_;

private slots:
    void initTestCase()
    {
        test::TestDatabase& db = test::TestDatabase::instance();
        if (!db.cluster())
            QSKIP("two embedded clusters are started for this test");
        east_ = db.conninfo();
        db::ClusterOptions options;
        options.baseDir = westDir_.path();
        options.durable = false;
        west_ = std::make_unique<db::EmbeddedCluster>(options);
        west_->start();
        db::PgConnection west = db::PgConnection::open(west_->conninfo());
        db::Migrator(west).apply(db::Migrator::embedded());

        const ingest::EmbedderConfig config = ingest::EmbedderConfig::fromEnvironment();
        db::PgConnection east = db.connect();
        fixtures::FixtureLoader(east, config).loadMerchant(fixtures::FixtureLoader::embeddedRoot() + QStringLiteral("/m01"));
        fixtures::FixtureLoader(west, config).loadMerchant(fixtures::FixtureLoader::embeddedRoot() + QStringLiteral("/m02"));

        map_ = writeMap(dir_, QStringLiteral("shards.json"),
                        {{QStringLiteral("shards"), QJsonObject{{QStringLiteral("east"), east_}, {QStringLiteral("west"), west_->conninfo()}}},
                         {QStringLiteral("merchants"), QJsonObject{{QStringLiteral("m02"), QStringLiteral("west")}}},
                         {QStringLiteral("default"), QStringLiteral("east")}});
    }

    void cleanupTestCase() { west_.reset(); }

    void ragctlRunsOnTheMerchantsServer()
    {
        const test::RagctlRun globex = test::runRagctlWithoutDatabase(
            QStringLiteral("query"), {QStringLiteral("--shard-map"), map_, QStringLiteral("--merchant"), QStringLiteral("m02"),
                                      QStringLiteral("--agent"), QStringLiteral("u9"), QStringLiteral("store credit refund")});
        QVERIFY2(globex.exitCode == 0, qPrintable(globex.err));
        QVERIFY2(globex.out.contains(QStringLiteral("g1")), qPrintable(globex.out));
        const test::RagctlRun acme = test::runRagctlWithoutDatabase(
            QStringLiteral("query"), {QStringLiteral("--shard-map"), map_, QStringLiteral("--merchant"), QStringLiteral("m01"),
                                      QStringLiteral("--agent"), QStringLiteral("u1"), QStringLiteral("refund never arrived")});
        QVERIFY2(acme.exitCode == 0, qPrintable(acme.err));
        QVERIFY(!acme.out.contains(QStringLiteral("g1")));
        // Alice is not an agent of the server that holds Globex.
        const test::RagctlRun crossed = test::runRagctlWithoutDatabase(
            QStringLiteral("query"), {QStringLiteral("--shard-map"), map_, QStringLiteral("--merchant"), QStringLiteral("m02"),
                                      QStringLiteral("--agent"), QStringLiteral("u1"), QStringLiteral("refund")});
        QVERIFY(crossed.exitCode != 0);
        QVERIFY(!crossed.out.contains(QStringLiteral("g1")));
    }

    void agentsExistOnlyOnTheirMerchantsServer()
    {
        QVERIFY(canLogIn(east_, QStringLiteral("agent_u1"), QStringLiteral("alice-demo")));
        QVERIFY(canLogIn(west_->conninfo(), QStringLiteral("agent_u9"), QStringLiteral("carol-demo")));
        QVERIFY(!canLogIn(west_->conninfo(), QStringLiteral("agent_u1"), QStringLiteral("alice-demo")));
        QVERIFY(!canLogIn(east_, QStringLiteral("agent_u9"), QStringLiteral("carol-demo")));
        db::PgConnection east = test::TestDatabase::instance().connect();
        QCOMPARE(east.exec("SELECT count(*) FROM chunks WHERE merchant_id = 'm02'").integer(0, 0), 0);
    }

    void shardsCommandChecksPlacement()
    {
        const test::RagctlRun ok = test::runRagctlWithoutDatabase(QStringLiteral("shards"), {QStringLiteral("--shard-map"), map_});
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.out + ok.err));
        QVERIFY(ok.out.contains(QStringLiteral("shard map consistent")));
        QVERIFY(ok.out.contains(QStringLiteral("west: ")) && ok.out.contains(QStringLiteral("(m02)")));

        const QString wrong = writeMap(dir_, QStringLiteral("wrong.json"),
                                       {{QStringLiteral("shards"), QJsonObject{{QStringLiteral("east"), east_}, {QStringLiteral("west"), west_->conninfo()}}},
                                        {QStringLiteral("merchants"), QJsonObject{{QStringLiteral("m02"), QStringLiteral("east")}}},
                                        {QStringLiteral("default"), QStringLiteral("east")}});
        const test::RagctlRun bad = test::runRagctlWithoutDatabase(QStringLiteral("shards"), {QStringLiteral("--shard-map"), wrong});
        QCOMPARE(bad.exitCode, 3);
        QVERIFY2(bad.out.contains(QStringLiteral("m02 is stored on west but the map routes it to east")), qPrintable(bad.out));
    }

    void badMapsAreClearErrors()
    {
        const auto error = [](const QByteArray& json) {
            try {
                db::ShardMap::fromJson(json, QStringLiteral("map.json"));
                return QString();
            } catch (const db::ShardMapError& e) {
                return QString::fromUtf8(e.what());
            }
        };
        QVERIFY(error("{\"shards\": {\"a\": \"dbname=x password=secret\"}}").contains(QStringLiteral(".pgpass")));
        QVERIFY(!error("{\"shards\": {\"a\": \"dbname=x password=secret\"}}").contains(QStringLiteral("secret")));
        QVERIFY(error("{\"shards\": {\"a\": \"dbname=x\"}, \"merchants\": {\"m1\": \"b\"}}").contains(QStringLiteral("not a shard")));
        QVERIFY(error("{\"shards\": {}}").contains(QStringLiteral("names no server")));
        QVERIFY(error("[1, 2]").contains(QStringLiteral("not a JSON object")));
        const db::ShardMap noDefault = db::ShardMap::fromJson("{\"shards\": {\"a\": \"dbname=x\"}, \"merchants\": {\"m1\": \"a\"}}", QStringLiteral("m"));
        QCOMPARE(noDefault.conninfoFor(QStringLiteral("m1")), QStringLiteral("dbname=x"));
        QVERIFY_THROWS_EXCEPTION(db::ShardMapError, noDefault.shardOf(QStringLiteral("m9")));
        const test::RagctlRun noMerchant = test::runRagctlWithoutDatabase(QStringLiteral("query"), {QStringLiteral("--shard-map"), map_, QStringLiteral("refund")});
        QCOMPARE(noMerchant.exitCode, 2);
        QVERIFY(noMerchant.err.contains(QStringLiteral("--merchant")));
    }
};

QTEST_GUILESS_MAIN(TestShards)
#include "test_shards.moc"
