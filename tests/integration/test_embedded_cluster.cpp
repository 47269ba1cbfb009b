#include "db/embedded_cluster.h"
#include "db/pg_connection.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <pwd.h>
#include <unistd.h>

using namespace ac;

// The embedded default: created on first start, restarted on an existing directory, clear errors
// for unusable directories and sockets, and usable both as root and as an ordinary user.
class TestEmbeddedCluster : public QObject {
    Q_OBJECT

    static db::ClusterOptions throwaway(const QString& dir)
    {
        db::ClusterOptions options;
        options.baseDir = dir;
        options.durable = false;
        return options;
    }

private slots:
    void startsQueriesAndRestartsOnExistingDirectory()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        {
            db::EmbeddedCluster cluster(throwaway(dir.path()));
            QVERIFY(!cluster.isInitialized());
            cluster.start();
            QVERIFY(cluster.isRunning());
            db::PgConnection conn = db::PgConnection::open(cluster.conninfo());
            conn.exec("CREATE TABLE survives_restart (x int)");
            conn.exec("INSERT INTO survives_restart VALUES (7)");
            QVERIFY(conn.host().startsWith(QLatin1Char('/')));  // a socket directory, not a TCP host
        }  // destructor stops the server it started
        db::EmbeddedCluster again(throwaway(dir.path()));
        QVERIFY(again.isInitialized());
        QVERIFY(!again.isRunning());
        again.start();
        db::PgConnection conn = db::PgConnection::open(again.conninfo());
        QCOMPARE(conn.exec("SELECT x FROM survives_restart").integer(0, 0), 7);
        QCOMPARE(conn.exec("SHOW listen_addresses").text(0, 0), QString());
    }

    void refusesADataDirectoryThatIsAFile()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        const QString file = dir.filePath(QStringLiteral("not-a-dir"));
        QFile(file).open(QIODevice::WriteOnly);
        db::EmbeddedCluster cluster(throwaway(file));
        try {
            cluster.start();
            QFAIL("started on a file");
        } catch (const db::ClusterError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("is a file")), error.what());
        }
    }

    void refusesAForeignNonEmptyDirectory()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        QDir().mkpath(dir.filePath(QStringLiteral("data")));
        QFile(dir.filePath(QStringLiteral("data/precious.txt"))).open(QIODevice::WriteOnly);
        db::EmbeddedCluster cluster(throwaway(dir.path()));
        QVERIFY_THROWS_EXCEPTION(db::ClusterError, cluster.start());
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("data/precious.txt"))));
    }

    // As root the database directory is given to the service user: an existing directory that is
    // not ours (a --data-dir of /root, say) is refused, and keeps its owner.
    void refusesToTakeOverAnExistingForeignDirectory()
    {
        QTemporaryDir dir(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        QFile(dir.filePath(QStringLiteral(".bashrc"))).open(QIODevice::WriteOnly);
        const uint owner = QFileInfo(dir.path()).ownerId();
        db::EmbeddedCluster cluster(throwaway(dir.path()));
        try {
            cluster.start();
            QFAIL("took over a foreign directory");
        } catch (const db::ClusterError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("not an Agent Console database directory")),
                     error.what());
        }
        QCOMPARE(QFileInfo(dir.path()).ownerId(), owner);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("data"))));
    }

    void reportsASocketInUse()
    {
        QTemporaryDir first(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        QTemporaryDir second(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        db::EmbeddedCluster running(throwaway(first.path()));
        running.start();
        db::ClusterOptions clash = throwaway(second.path());
        clash.socketDir = running.socketDir();
        db::EmbeddedCluster other(clash);
        try {
            other.start();
            QFAIL("two servers on one socket");
        } catch (const db::ClusterError& error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("in use")), error.what());
        }
        QVERIFY(running.isRunning());
    }

    void runsAsAnOrdinaryUser()
    {
        if (geteuid() != 0)
            QSKIP("already running as an ordinary user: every other test here covers that case");
        const QString ragctl = qEnvironmentVariable("AGENT_CONSOLE_RAGCTL");
        QVERIFY2(!ragctl.isEmpty(), "AGENT_CONSOLE_RAGCTL names the ragctl binary (set by CTest)");
        const passwd* nobody = getpwnam("nobody");
        QVERIFY(nobody != nullptr);
        QTemporaryDir dir(QStringLiteral("/tmp/ac-cluster-XXXXXX"));
        QVERIFY(QFile::copy(ragctl, dir.filePath(QStringLiteral("ragctl"))));
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                               | QFile::ExeOther);
        QDir().mkpath(dir.filePath(QStringLiteral("db")));
        QVERIFY(::chown(dir.filePath(QStringLiteral("db")).toLocal8Bit().constData(), nobody->pw_uid, nobody->pw_gid) == 0);

        auto runAsNobody = [&](const QStringList& args) {
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), dir.filePath(QStringLiteral("db")));
            process.setProcessEnvironment(env);
            process.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--"),
                                                                 dir.filePath(QStringLiteral("ragctl"))} + args);
            process.waitForFinished(180000);
            return std::make_pair(process.exitCode(), QString::fromLocal8Bit(process.readAll()));
        };
        const QString dataDir = QStringLiteral("--data-dir=") + dir.filePath(QStringLiteral("db"));
        const auto started = runAsNobody({QStringLiteral("cluster"), QStringLiteral("start"), dataDir});
        QVERIFY2(started.first == 0, qPrintable(started.second));
        const auto status = runAsNobody({QStringLiteral("cluster"), QStringLiteral("status"), dataDir});
        QVERIFY2(status.first == 0, qPrintable(status.second));
        const auto stopped = runAsNobody({QStringLiteral("cluster"), QStringLiteral("stop"), dataDir});
        QVERIFY2(stopped.first == 0, qPrintable(stopped.second));
        QFileInfo pgVersion(dir.filePath(QStringLiteral("db/data/PG_VERSION")));
        QCOMPARE(pgVersion.ownerId(), nobody->pw_uid);
    }
};

QTEST_GUILESS_MAIN(TestEmbeddedCluster)
#include "test_embedded_cluster.moc"
