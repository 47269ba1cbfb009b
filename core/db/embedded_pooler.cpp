#include "db/embedded_pooler.h"

#include "db/pg_connection.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

#include <libpq-fe.h>

#include <cstdio>
#include <signal.h>

namespace ac::db {

namespace {

// Every role that logs in by SCRAM password and is no superuser: the agents. The owner (peer) and
// any superuser cannot come through the pooler at all.
constexpr const char* kPasswordRoles = R"sql(
SELECT rolname, rolpassword FROM pg_catalog.pg_authid
WHERE rolcanlogin AND NOT rolsuper AND rolpassword LIKE 'SCRAM-SHA-256$%' ORDER BY rolname)sql";

constexpr int kStartTimeoutMs = 15000;
constexpr int kStopTimeoutMs = 10000;

QString quoted(const QString& value)
{
    return QLatin1Char('"') + QString(value).replace(QLatin1Char('"'), QLatin1String("\"\"")) + QLatin1Char('"');
}

void writePrivateFile(const QString& path, const QString& text)
{
    const QString temporary = path + QStringLiteral(".new");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)
        || !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner) || file.write(text.toUtf8()) < 0 || !file.flush())
        throw ClusterError(QStringLiteral("cannot write %1").arg(temporary));
    file.close();
    // rename() replaces the old file in one step: PgBouncer never reads half a file.
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        throw ClusterError(QStringLiteral("cannot replace %1").arg(path));
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

} // namespace

EmbeddedPooler::EmbeddedPooler(const EmbeddedCluster& cluster, PoolerOptions options)
    : cluster_(cluster), options_(options)
{
}

EmbeddedPooler::~EmbeddedPooler()
{
    if (startedHere_) {
        try {
            stop();
        } catch (...) {
        }
    }
}

QString EmbeddedPooler::program()
{
    const QString configured = qEnvironmentVariable("AGENT_CONSOLE_PGBOUNCER");
    if (!configured.isEmpty())
        return configured;
    return QStandardPaths::findExecutable(QStringLiteral("pgbouncer"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
}

QString EmbeddedPooler::directory() const
{
    return cluster_.options().baseDir + QStringLiteral("/pooler");
}

QString EmbeddedPooler::logFile() const
{
    return directory() + QStringLiteral("/pgbouncer.log");
}

// The cluster's conninfo with the pooler's port: a later keyword wins in a libpq conninfo.
QString EmbeddedPooler::conninfoFor(const QString& user) const
{
    return cluster_.conninfoFor(user) + QStringLiteral(" port=%1").arg(options_.port);
}

void EmbeddedPooler::writeConfiguration() const
{
    // No listen_addr: the Unix socket only, beside the server's, as private as the server's.
    const QString ini = QStringLiteral(
                            "; Agent Console embedded pooler (written at every start).\n"
                            "[databases]\n"
                            "* = host=%1 port=%2\n"
                            "[pgbouncer]\n"
                            "unix_socket_dir = %1\n"
                            "unix_socket_mode = 0700\n"
                            "listen_port = %3\n"
                            "pool_mode = transaction\n"
                            "auth_type = scram-sha-256\n"
                            "auth_file = %4/userlist.txt\n"
                            "default_pool_size = %5\n"
                            "max_db_connections = %6\n"
                            "max_client_conn = %7\n"
                            "server_reset_query =\n"
                            "ignore_startup_parameters = extra_float_digits\n"
                            "logfile = %8\n"
                            "pidfile = %4/pgbouncer.pid\n"
                            "log_connections = 0\n"
                            "log_disconnections = 0\n")
                            .arg(cluster_.socketDir())
                            .arg(cluster_.options().port)
                            .arg(options_.port)
                            .arg(directory())
                            .arg(options_.poolSize)
                            .arg(options_.maxServerConnections)
                            .arg(options_.maxClients)
                            .arg(logFile());
    writePrivateFile(directory() + QStringLiteral("/pgbouncer.ini"), ini);
    cluster_.giveToServer(directory() + QStringLiteral("/pgbouncer.ini"));
}

void EmbeddedPooler::writeAgents() const
{
    PgConnection owner = PgConnection::open(cluster_.conninfo());
    const PgResult roles = owner.exec(kPasswordRoles);
    QString lines;
    for (int r = 0; r < roles.rows(); ++r)
        lines += quoted(roles.text(r, 0)) + QLatin1Char(' ') + quoted(roles.text(r, 1)) + QLatin1Char('\n');
    const QString path = directory() + QStringLiteral("/userlist.txt");
    writePrivateFile(path, lines);
    cluster_.giveToServer(path);
}

qint64 EmbeddedPooler::pid() const
{
    QFile file(directory() + QStringLiteral("/pgbouncer.pid"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readLine().trimmed().toLongLong();
}

bool EmbeddedPooler::isRunning() const
{
    return processAlive(pid());
}

void EmbeddedPooler::waitUntilAccepting() const
{
    const QByteArray conninfo =
        (cluster_.conninfoFor(QStringLiteral("pgbouncer"), QStringLiteral("pgbouncer")) + QStringLiteral(" port=%1").arg(options_.port))
            .toUtf8();
    QDeadlineTimer deadline(kStartTimeoutMs);
    while (PQping(conninfo.constData()) != PQPING_OK) {
        if (deadline.hasExpired())
            throw ClusterError(QStringLiteral("PgBouncer did not accept connections within %1 s; see %2")
                                   .arg(kStartTimeoutMs / 1000)
                                   .arg(logFile()));
        QThread::msleep(50);
    }
}

void EmbeddedPooler::start()
{
    const QString binary = program();
    if (binary.isEmpty())
        throw ClusterError(QStringLiteral("PgBouncer is not installed; run scripts/setup (Debian package pgbouncer)"));
    if (!cluster_.isRunning())
        throw ClusterError(QStringLiteral("start the database cluster before its pooler"));
    if (!QDir().mkpath(directory()))
        throw ClusterError(QStringLiteral("cannot create %1").arg(directory()));
    QFile::setPermissions(directory(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    cluster_.giveToServer(directory());
    writeConfiguration();
    writeAgents();
    if (isRunning()) {
        ::kill(static_cast<pid_t>(pid()), SIGHUP);
        waitUntilAccepting();
        return;
    }
    try {
        cluster_.runAsServer(binary, {QStringLiteral("-d"), directory() + QStringLiteral("/pgbouncer.ini")}, kStartTimeoutMs);
    } catch (const ClusterError& error) {
        throw ClusterError(QStringLiteral("PgBouncer did not start (%1); see %2").arg(QString::fromUtf8(error.what()), logFile()));
    }
    startedHere_ = true;
    waitUntilAccepting();
}

void EmbeddedPooler::refreshAgents()
{
    writeAgents();
    if (isRunning())
        ::kill(static_cast<pid_t>(pid()), SIGHUP);
}

void EmbeddedPooler::stop()
{
    const qint64 running = pid();
    startedHere_ = false;
    if (!processAlive(running))
        return;
    // SIGINT lets running transactions finish; SIGTERM when they do not within the timeout.
    ::kill(static_cast<pid_t>(running), SIGINT);
    QDeadlineTimer deadline(kStopTimeoutMs);
    while (processAlive(running) && !deadline.hasExpired())
        QThread::msleep(20);
    if (processAlive(running))
        ::kill(static_cast<pid_t>(running), SIGTERM);
}

} // namespace ac::db
