// Crash safety of the bulk loader (issue 17): kill -9 of the loader, and of the server, in the
// middle of a load. Afterwards every document has all of its chunks or none, the lexical
// statistics match the chunks, and running the load again gives what one clean load gives. The
// loads defer the graphs (--graphs defer): a dead load leaves the deferral, the re-run builds them.
#include "ingest_test_helpers.h"
#include "support/test_database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>

using namespace ac;

namespace {

constexpr int kDocuments = 400;

// Documents `<prefix>-NNN`, four sections each, so a load is many batches of a few documents.
void writeCorpus(const QString& folder, const QString& prefix)
{
    QDir().mkpath(folder);
    for (int i = 0; i < kDocuments; ++i) {
        QFile file(QStringLiteral("%1/%2-%3.md").arg(folder, prefix).arg(i, 3, 10, QLatin1Char('0')));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray body = QStringLiteral("---\nid: %1-%2\ntitle: Policy %2\ncategory: refund\nacl: [role:staff]\n---\n# Policy %2\n\n")
                              .arg(prefix).arg(i).toUtf8();
        for (int s = 0; s < 4; ++s)
            body += QStringLiteral("## Section %1\n\nRefunds for order class %2 take %3 business days, section %1 says, "
                                   "unless the item was damaged in shipping.\n\n").arg(s).arg(i).arg(3 + s).toUtf8();
        file.write(body);
    }
}

QProcess* startLoad(const QString& merchant, const QString& folder)
{
    auto* process = new QProcess;
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->start(qEnvironmentVariable("AGENT_CONSOLE_RAGCTL"),
                   {QStringLiteral("load"), QStringLiteral("--db"), test::TestDatabase::instance().conninfo(),
                    QStringLiteral("--merchant"), merchant, QStringLiteral("--batch"), QStringLiteral("20"),
                    QStringLiteral("--graphs"), QStringLiteral("defer"), folder});
    return process;
}

int runLoad(const QString& merchant, const QString& folder)
{
    std::unique_ptr<QProcess> process(startLoad(merchant, folder));
    process->waitForFinished(300000);
    if (process->exitCode() != 0)
        qWarning().noquote() << process->readAll();
    return process->exitCode();
}

// Waits until some but not all of the load has committed.
bool waitForPartialLoad(const QString& merchant)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 60000) {
        try {
            db::PgConnection conn = test::TestDatabase::instance().connect();
            const qint64 n = conn.exec("SELECT count(*) FROM support_documents WHERE merchant_id = $1",
                                       db::PgParams().add(merchant)).integer(0, 0);
            if (n > 0)
                return n < kDocuments;
        } catch (const std::exception&) {
        }
        QThread::msleep(20);
    }
    return false;
}

// (document, chunk_index, content hash) rows, with the merchant's id prefix taken off.
QStringList chunkRows(db::PgConnection& conn, const QString& merchant, const QString& prefix)
{
    QStringList rows;
    const db::PgResult r = conn.exec(
        "SELECT substr(document_id, length($2) + 1) || '/' || chunk_index || '/' || content_hash FROM chunks "
        "WHERE merchant_id = $1 ORDER BY 1", db::PgParams().add(merchant).add(prefix));
    for (int i = 0; i < r.rows(); ++i)
        rows << r.text(i, 0);
    return rows;
}

// Documents whose chunks are not all there (a clean load gives every document the same count).
qint64 partialDocuments(db::PgConnection& conn, const QString& merchant, qint64 chunksPerDocument)
{
    return conn.exec("SELECT count(*) FROM support_documents d WHERE d.merchant_id = $1 AND "
                     "(SELECT count(*) FROM chunks c WHERE c.merchant_id = d.merchant_id AND c.document_id = d.id) <> $2",
                     db::PgParams().add(merchant).add(chunksPerDocument)).integer(0, 0);
}

bool graphsDeferred(db::PgConnection& conn, const QString& merchant)
{
    return conn.exec("SELECT app.graphs_deferred($1)", db::PgParams().add(merchant)).boolean(0, 0);
}

qint64 graphCount(db::PgConnection& conn, const QString& merchant)
{
    return conn.exec("SELECT count(*) FROM app.partition_graphs($1)", db::PgParams().add(merchant)).integer(0, 0);
}

qint64 postmasterPid(const QString& dataDir)
{
    QFile pidFile(dataDir + QStringLiteral("/postmaster.pid"));
    return pidFile.open(QIODevice::ReadOnly) ? pidFile.readLine().trimmed().toLongLong() : 0;
}

} // namespace

class TestIngestCrash : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    qint64 chunksPerDocument_ = 0;
    QStringList clean_;

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariable("AGENT_CONSOLE_RAGCTL").isEmpty())
            QSKIP("AGENT_CONSOLE_RAGCTL is not set (run through ctest)");
        db::PgConnection conn = test::TestDatabase::instance().connect();
        for (const char* m : {"mclean", "mkill", "mdown"})
            test::createMerchant(conn, QString::fromLatin1(m));
        writeCorpus(dir_.filePath("clean"), QStringLiteral("cl"));
        writeCorpus(dir_.filePath("kill"), QStringLiteral("kl"));
        writeCorpus(dir_.filePath("down"), QStringLiteral("dn"));
        QCOMPARE(runLoad(QStringLiteral("mclean"), dir_.filePath("clean")), 0);
        clean_ = chunkRows(conn, QStringLiteral("mclean"), QStringLiteral("cl"));
        QCOMPARE(graphCount(conn, QStringLiteral("mclean")), 1);
        chunksPerDocument_ = clean_.size() / kDocuments;
        QVERIFY(chunksPerDocument_ >= 2);
        QCOMPARE(qint64(clean_.size()), chunksPerDocument_ * kDocuments);
    }

    void loaderKilledMidLoadThenRerun()
    {
        std::unique_ptr<QProcess> load(startLoad(QStringLiteral("mkill"), dir_.filePath("kill")));
        QVERIFY(load->waitForStarted());
        QVERIFY2(waitForPartialLoad(QStringLiteral("mkill")), "the load finished before it could be killed");
        load->kill();  // SIGKILL
        load->waitForFinished();

        db::PgConnection conn = test::TestDatabase::instance().connect();
        const qint64 loaded = conn.exec("SELECT count(*) FROM support_documents WHERE merchant_id = 'mkill'").integer(0, 0);
        QVERIFY(loaded > 0 && loaded < kDocuments);
        QCOMPARE(partialDocuments(conn, QStringLiteral("mkill"), chunksPerDocument_), 0);
        QCOMPARE(test::lexicalStatisticsDrift(conn, QStringLiteral("mkill")), 0);
        QVERIFY(graphsDeferred(conn, QStringLiteral("mkill")));
        QCOMPARE(graphCount(conn, QStringLiteral("mkill")), 0);

        QCOMPARE(runLoad(QStringLiteral("mkill"), dir_.filePath("kill")), 0);
        QCOMPARE(chunkRows(conn, QStringLiteral("mkill"), QStringLiteral("kl")), clean_);
        QCOMPARE(test::lexicalStatisticsDrift(conn, QStringLiteral("mkill")), 0);
        QVERIFY(!graphsDeferred(conn, QStringLiteral("mkill")));
        QCOMPARE(graphCount(conn, QStringLiteral("mkill")), graphCount(conn, QStringLiteral("mclean")));
    }

    void serverKilledMidLoadThenRestarted()
    {
        db::EmbeddedCluster* cluster = test::TestDatabase::instance().cluster();
        if (!cluster)
            QSKIP("an external test database: not ours to kill");
        std::unique_ptr<QProcess> load(startLoad(QStringLiteral("mdown"), dir_.filePath("down")));
        QVERIFY(load->waitForStarted());
        QVERIFY2(waitForPartialLoad(QStringLiteral("mdown")), "the load finished before the server could be killed");
        const qint64 pid = postmasterPid(cluster->dataDir());
        QVERIFY(pid > 0);
        QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
        QVERIFY(load->waitForFinished(60000));
        QVERIFY2(load->exitCode() != 0, "the load did not notice the server died");
        // The postmaster's children notice its death and exit; then the cluster starts again.
        QElapsedTimer timer;
        timer.start();
        bool restarted = false;
        while (!restarted && timer.elapsed() < 60000) {
            try {
                cluster->start();
                restarted = true;
            } catch (const std::exception& e) {
                QThread::msleep(250);
            }
        }
        QVERIFY(restarted);

        db::PgConnection conn = test::TestDatabase::instance().connect();
        const qint64 loaded = conn.exec("SELECT count(*) FROM support_documents WHERE merchant_id = 'mdown'").integer(0, 0);
        QVERIFY(loaded < kDocuments);
        QCOMPARE(partialDocuments(conn, QStringLiteral("mdown"), chunksPerDocument_), 0);
        QCOMPARE(test::lexicalStatisticsDrift(conn, QStringLiteral("mdown")), 0);
        QCOMPARE(conn.exec("SELECT count(*) FROM corpus_versions WHERE merchant_id = 'mdown' AND state = 'live'").integer(0, 0),
                 loaded > 0 ? 1 : 0);

        QCOMPARE(runLoad(QStringLiteral("mdown"), dir_.filePath("down")), 0);
        QCOMPARE(chunkRows(conn, QStringLiteral("mdown"), QStringLiteral("dn")), clean_);
        QVERIFY(!graphsDeferred(conn, QStringLiteral("mdown")));
        QCOMPARE(graphCount(conn, QStringLiteral("mdown")), 1);
    }
};

QTEST_GUILESS_MAIN(TestIngestCrash)
#include "test_ingest_crash.moc"
