#include "db/embedded_replica.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QThread>

namespace ac::db {

namespace {

constexpr const char* kReplayed = "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn";
constexpr const char* kReplayPosition =
    "SELECT pg_last_wal_replay_lsn()::text, "
    "coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8";
constexpr const char* kBytesBehind = "SELECT greatest(pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn), 0)::bigint";
constexpr int kPollMs = 10;

ClusterOptions replicaOptions(const EmbeddedCluster& primary, int port)
{
    ClusterOptions options = primary.options();
    options.baseDir = primary.options().baseDir + QStringLiteral("/replica");
    options.socketDir.clear();
    options.port = port;
    return options;
}

} // namespace

EmbeddedReplica::EmbeddedReplica(EmbeddedCluster& primary, int port)
    : primary_(primary), replica_(replicaOptions(primary, port))
{
}

void EmbeddedReplica::start(const EmbeddedCluster::Progress& progress)
{
    if (!replica_.isInitialized()) {
        if (!primary_.isRunning())
            throw ClusterError(QStringLiteral("the primary cluster in %1 is not running; start it before its replica")
                                   .arg(primary_.options().baseDir));
        if (progress)
            progress(QStringLiteral("Copying the primary into a streaming replica (pg_basebackup)"));
        createFromPrimary();
    }
    replica_.start(progress);
}

// pg_basebackup runs as this process's user, who reaches the owner by peer authentication as for
// every other owner connection; the copy is then given to the server's account. It is made in
// data.partial and renamed to data when complete, so a killed copy is never taken for a replica.
void EmbeddedReplica::createFromPrimary()
{
    primary_.allowReplication();
    const QString base = replica_.options().baseDir;
    const QString partial = base + QStringLiteral("/data.partial");
    if (!QDir().mkpath(base) || !QDir(partial).removeRecursively())
        throw ClusterError(QStringLiteral("cannot prepare the replica directory %1").arg(base));
    QProcess backup;
    backup.setProcessChannelMode(QProcess::MergedChannels);
    backup.start(primary_.binDir() + QStringLiteral("/pg_basebackup"),
                 {QStringLiteral("-D"), partial, QStringLiteral("-R"), QStringLiteral("-X"), QStringLiteral("stream"),
                  QStringLiteral("-c"), QStringLiteral("fast"), QStringLiteral("-h"), primary_.socketDir(), QStringLiteral("-p"),
                  QString::number(primary_.options().port), QStringLiteral("-U"), primary_.options().owner,
                  QStringLiteral("--no-password")});
    if (!backup.waitForStarted(10000) || !backup.waitForFinished(30 * 60 * 1000) || backup.exitStatus() != QProcess::NormalExit
        || backup.exitCode() != 0) {
        const QString output = QString::fromLocal8Bit(backup.readAll()).trimmed();
        QDir(partial).removeRecursively();
        throw ClusterError(QStringLiteral("pg_basebackup failed: %1").arg(output.isEmpty() ? backup.errorString() : output));
    }
    // The copy carries the primary's socket directory and port: the replica gets its own.
    QFile conf(partial + QStringLiteral("/postgresql.conf"));
    const QString overrides = QStringLiteral("\n# Agent Console replica of %1\nunix_socket_directories = '%2'\nport = %3\n"
                                             "hot_standby = on\nhot_standby_feedback = on\n")
                                  .arg(primary_.options().baseDir, replica_.socketDir())
                                  .arg(replica_.options().port);
    if (!conf.open(QIODevice::Append | QIODevice::Text) || conf.write(overrides.toUtf8()) < 0)
        throw ClusterError(QStringLiteral("cannot write %1").arg(conf.fileName()));
    conf.close();
    if (!QDir().rename(partial, replica_.dataDir()))
        throw ClusterError(QStringLiteral("cannot move the finished copy to %1").arg(replica_.dataDir()));
    primary_.giveToServer(base);
    QDirIterator files(base, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (files.hasNext())
        primary_.giveToServer(files.next());
}

ReplicationLag replicationLag(PgConnection& primary, PgConnection& replica)
{
    const PgResult position = replica.exec(kReplayPosition);
    ReplicationLag lag;
    lag.bytes = primary.exec(kBytesBehind, PgParams().add(position.text(0, 0))).integer(0, 0);
    lag.seconds = lag.bytes > 0 ? position.text(0, 1).toDouble() : 0.0;
    return lag;
}

QString currentWalLsn(PgConnection& primary)
{
    return primary.exec("SELECT pg_current_wal_lsn()::text").text(0, 0);
}

bool waitForReplay(PgConnection& replica, const QString& lsn, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        if (replica.exec(kReplayed, PgParams().add(lsn)).boolean(0, 0))
            return true;
        if (timer.elapsed() >= timeoutMs)
            return false;
        QThread::msleep(kPollMs);
    }
}

} // namespace ac::db
