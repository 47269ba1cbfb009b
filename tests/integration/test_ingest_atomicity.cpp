#include "db/db_error.h"
#include "db/migrator.h"
#include "ingest/embedder.h"
#include "ingest/ingestor.h"
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <thread>

using namespace ac;
using ac::test::makeDocument;

namespace {

const QStringList kV1{QStringLiteral("Eligibility"), QStringLiteral("Requests"), QStringLiteral("Timing"),
                      QStringLiteral("Exceptions")};
const QStringList kV2{QStringLiteral("Eligibility v2"), QStringLiteral("Requests v2"), QStringLiteral("Timing v2"),
                      QStringLiteral("Exceptions v2"), QStringLiteral("Appeals v2")};

// A real failure inside the write transaction: the server raises on the third new chunk.
constexpr const char* kFailTrigger = R"SQL(
CREATE OR REPLACE FUNCTION test_fail_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.chunk_index = 3 AND NEW.chunk_text LIKE '%v2%' THEN
    RAISE EXCEPTION 'injected failure at chunk %', NEW.chunk_index USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_fail_chunk BEFORE INSERT OR UPDATE ON chunks FOR EACH ROW EXECUTE FUNCTION test_fail_chunk();
)SQL";

// Holds the write transaction open mid-merge so the connection or the server can be killed.
constexpr const char* kSleepTrigger = R"SQL(
CREATE OR REPLACE FUNCTION test_slow_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.chunk_index = 2 AND NEW.chunk_text LIKE '%v2%' THEN
    PERFORM pg_sleep(30);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER test_slow_chunk BEFORE INSERT OR UPDATE ON chunks FOR EACH ROW EXECUTE FUNCTION test_slow_chunk();
)SQL";

QStringList visibleDocument(db::PgConnection& conn, const QString& id)
{
    return test::column(conn, "SELECT full_text FROM support_documents WHERE id = $1", db::PgParams().add(id))
         + test::column(conn, "SELECT chunk_index, heading_path, content_hash FROM chunks WHERE document_id = $1 "
                              "ORDER BY chunk_index", db::PgParams().add(id));
}

// Runs the v2 load on its own connection and thread; returns the SQLSTATE it failed with.
QString loadInBackground(const QString& conninfo, const ingest::DocumentSource& doc, std::thread& thread)
{
    auto state = std::make_shared<QString>();
    thread = std::thread([conninfo, doc, state] {
        try {
            db::PgConnection conn = db::PgConnection::open(conninfo);
            ingest::HashEmbedder embedder;
            ingest::Ingestor(conn, embedder).ingestDocument(doc);
            *state = QStringLiteral("committed");
        } catch (const db::DbError& e) {
            *state = e.sqlstate().isEmpty() ? QStringLiteral("no-sqlstate") : e.sqlstate();
        } catch (const std::exception& e) {
            *state = QString::fromUtf8(e.what());
        }
    });
    thread.join();
    return *state;
}

bool waitForSleepingWriter(db::PgConnection& observer)
{
    for (int i = 0; i < 200; ++i) {
        if (!observer.exec("SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'").empty())
            return true;
        QThread::msleep(50);
    }
    return false;
}

} // namespace

// A failure at any point of a load leaves the previous version of the document fully visible.
class TestIngestAtomicity : public QObject {
    Q_OBJECT

    db::PgConnection conn_ = test::TestDatabase::instance().connect();
    ingest::HashEmbedder embedder_;

private slots:
    void initTestCase() { test::createMerchant(conn_, QStringLiteral("ma1")); }

    void injectedFailureMidMerge()
    {
        ingest::Ingestor(conn_, embedder_).ingestDocument(makeDocument("ma1", "atom-1", kV1));
        const QStringList v1 = visibleDocument(conn_, "atom-1");
        conn_.execScript(QString::fromLatin1(kFailTrigger));
        try {
            ingest::Ingestor(conn_, embedder_).ingestDocument(makeDocument("ma1", "atom-1", kV2));
            QFAIL("the injected failure did not surface");
        } catch (const db::DbError& e) {
            QCOMPARE(e.sqlstate(), QStringLiteral("P0001"));
        }
        conn_.execScript(QStringLiteral("DROP TRIGGER test_fail_chunk ON chunks"));
        QCOMPARE(visibleDocument(conn_, "atom-1"), v1);
        QVERIFY(!conn_.inTransaction());
    }

    void embeddingEndpointDown()
    {
        const QStringList v1 = visibleDocument(conn_, "atom-1");
        // The live corpus's own spec, so the load gets as far as embedding.
        struct DownHash : ingest::HashEmbedder {
            std::vector<ingest::Embedding> embed(const QStringList&) override
            {
                throw ingest::EmbeddingError(QStringLiteral("embedding endpoint down (injected)"));
            }
        } down;
        QVERIFY_THROWS_EXCEPTION(ingest::EmbeddingError,
                                 ingest::Ingestor(conn_, down).ingestDocument(makeDocument("ma1", "atom-1", kV2)));
        QCOMPARE(visibleDocument(conn_, "atom-1"), v1);
    }

    void connectionKilledMidLoad()
    {
        const QStringList v1 = visibleDocument(conn_, "atom-1");
        conn_.execScript(QString::fromLatin1(kSleepTrigger));
        std::thread killer([conninfo = test::TestDatabase::instance().conninfo()] {
            db::PgConnection observer = db::PgConnection::open(conninfo);
            if (waitForSleepingWriter(observer))
                observer.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
        });
        std::thread loader;
        const QString state = loadInBackground(test::TestDatabase::instance().conninfo(),
                                               makeDocument("ma1", "atom-1", kV2), loader);
        killer.join();
        conn_.execScript(QStringLiteral("DROP TRIGGER test_slow_chunk ON chunks"));
        QVERIFY2(state.startsWith(QLatin1String("57")) || state.startsWith(QLatin1String("08")), qPrintable(state));
        QCOMPARE(visibleDocument(conn_, "atom-1"), v1);
    }

    void serverKilledMidLoad()
    {
        // A private cluster, so killing its server leaves the shared test database alone.
        QTemporaryDir dir(QStringLiteral("/tmp/ac-ingest-kill-XXXXXX"));
        db::ClusterOptions options;
        options.baseDir = dir.path();
        options.durable = true;
        db::EmbeddedCluster cluster(options);
        cluster.start();
        {
            db::PgConnection conn = db::PgConnection::open(cluster.conninfo());
            db::Migrator(conn).apply(db::Migrator::embedded());
            test::createMerchant(conn, QStringLiteral("mk1"));
            ingest::Ingestor(conn, embedder_).ingestDocument(makeDocument("mk1", "kill-1", kV1));
            conn.execScript(QString::fromLatin1(kSleepTrigger));
        }
        QStringList v1;
        {
            db::PgConnection conn = db::PgConnection::open(cluster.conninfo());
            v1 = visibleDocument(conn, "kill-1");
        }
        std::thread killer([&cluster] {
            db::PgConnection observer = db::PgConnection::open(cluster.conninfo());
            if (!waitForSleepingWriter(observer))
                return;
            QFile pidFile(cluster.dataDir() + QStringLiteral("/postmaster.pid"));
            if (pidFile.open(QIODevice::ReadOnly))
                ::kill(static_cast<pid_t>(pidFile.readLine().trimmed().toLongLong()), SIGKILL);
        });
        std::thread loader;
        const QString state = loadInBackground(cluster.conninfo(), makeDocument("mk1", "kill-1", kV2), loader);
        killer.join();
        QVERIFY2(state != QLatin1String("committed"), qPrintable(state));

        // Orphaned backends notice the dead postmaster and exit; then the server restarts with crash recovery.
        bool restarted = false;
        for (int attempt = 0; attempt < 40 && !restarted; ++attempt) {
            try {
                cluster.start();
                restarted = true;
            } catch (const std::exception&) {
                QThread::msleep(250);
            }
        }
        QVERIFY(restarted);
        db::PgConnection conn = db::PgConnection::open(cluster.conninfo());
        QCOMPARE(visibleDocument(conn, "kill-1"), v1);
        conn.execScript(QStringLiteral("DROP TRIGGER test_slow_chunk ON chunks"));
        ingest::Ingestor(conn, embedder_).ingestDocument(makeDocument("mk1", "kill-1", kV2));
        QCOMPARE(test::column(conn, "SELECT count(*) FROM chunks WHERE document_id = 'kill-1'"), QStringList{"6"});
        cluster.stop();
    }
};

QTEST_GUILESS_MAIN(TestIngestAtomicity)
#include "test_ingest_atomicity.moc"
