#include "db/embedded_cluster.h"

#include "db/pg_connection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ac::db {

namespace {

constexpr int kServerStartTimeoutSeconds = 60;

// The newest installed server, unless AGENT_CONSOLE_PG_BINDIR names one.
QString findServerBinDir()
{
    const QString configured = qEnvironmentVariable("AGENT_CONSOLE_PG_BINDIR");
    if (!configured.isEmpty())
        return configured;
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(versions.begin(), versions.end(),
              [](const QString& a, const QString& b) { return a.toDouble() > b.toDouble(); });
    for (const QString& v : versions) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        if (QFileInfo::exists(bin + QStringLiteral("/postgres")))
            return bin;
    }
    throw ClusterError(QStringLiteral("no PostgreSQL server found under /usr/lib/postgresql; "
                                      "run scripts/setup (or install postgresql-15)"));
}

struct ServiceAccount {
    uid_t uid;
    gid_t gid;
};

ServiceAccount lookupAccount(const QString& name)
{
    const passwd* pw = getpwnam(name.toLocal8Bit().constData());
    if (pw == nullptr)
        throw ClusterError(QStringLiteral("running as root needs the system user '%1' to run PostgreSQL "
                                          "(the postgresql package creates it); run scripts/setup")
                               .arg(name));
    return {pw->pw_uid, pw->pw_gid};
}

QString currentUserName()
{
    const passwd* pw = getpwuid(geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString::number(geteuid());
}

// Every ancestor must let the service user through, or the server cannot reach its data.
void requireTraversable(const QString& dir, const ServiceAccount& account, const QString& user)
{
    QString path = QFileInfo(dir).absoluteFilePath();
    while (!path.isEmpty()) {
        struct stat st {};
        if (::stat(path.toLocal8Bit().constData(), &st) == 0) {
            const bool ok = (st.st_uid == account.uid && (st.st_mode & S_IXUSR))
                || (st.st_gid == account.gid && (st.st_mode & S_IXGRP)) || (st.st_mode & S_IXOTH);
            if (!ok)
                throw ClusterError(QStringLiteral("the database directory %1 is not reachable by the '%2' user "
                                                  "that runs PostgreSQL for root: %3 has mode %4. Choose "
                                                  "--data-dir under /var/lib or /tmp.")
                                       .arg(dir, user, path, QString::number(st.st_mode & 07777, 8)));
        }
        if (path == QLatin1String("/"))
            break;
        path = QFileInfo(path).path();
    }
}

void chownTree(const QString& path, const ServiceAccount& account)
{
    if (::chown(path.toLocal8Bit().constData(), account.uid, account.gid) != 0)
        throw ClusterError(QStringLiteral("cannot give %1 to the database service user").arg(path));
}

QString readTextFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw ClusterError(QStringLiteral("cannot read %1").arg(path));
    return QString::fromUtf8(file.readAll());
}

void writeTextFile(const QString& path, const QString& text, QIODevice::OpenMode mode)
{
    QFile file(path);
    if (!file.open(mode | QIODevice::Text) || file.write(text.toUtf8()) < 0)
        throw ClusterError(QStringLiteral("cannot write %1").arg(path));
}

QString quoteConf(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

QString quoteConninfo(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

} // namespace

EmbeddedCluster::EmbeddedCluster(ClusterOptions options)
    : options_(std::move(options)), binDir_(findServerBinDir()), asRoot_(geteuid() == 0)
{
    if (options_.baseDir.isEmpty())
        options_.baseDir = defaultBaseDir();
    options_.baseDir = QFileInfo(options_.baseDir).absoluteFilePath();
}

EmbeddedCluster::~EmbeddedCluster()
{
    if (startedHere_) {
        try {
            stop();
        } catch (const std::exception&) {
            // Nothing sensible to do in a destructor; the server shuts down with its postmaster.
        }
    }
}

QString EmbeddedCluster::defaultBaseDir()
{
    if (geteuid() == 0)
        return QStringLiteral("/var/lib/agent-console/db");
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/agent-console/db");
}

QString EmbeddedCluster::dataDir() const { return options_.baseDir + QStringLiteral("/data"); }

QString EmbeddedCluster::socketDir() const
{
    return options_.socketDir.isEmpty() ? options_.baseDir + QStringLiteral("/run") : options_.socketDir;
}

QString EmbeddedCluster::logFile() const { return options_.baseDir + QStringLiteral("/server.log"); }

bool EmbeddedCluster::isInitialized() const { return QFileInfo::exists(dataDir() + QStringLiteral("/PG_VERSION")); }

bool EmbeddedCluster::isRunning() const
{
    if (!isInitialized())
        return false;
    try {
        runTool(QStringLiteral("pg_ctl"), {QStringLiteral("status"), QStringLiteral("-D"), dataDir()}, 10000);
        return true;
    } catch (const ClusterError&) {
        return false;
    }
}

QString EmbeddedCluster::conninfo() const { return conninfoFor(options_.owner, options_.database); }

QString EmbeddedCluster::conninfoFor(const QString& user, const QString& database) const
{
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4 application_name=agent-console")
        .arg(quoteConninfo(socketDir()), QString::number(options_.port),
             quoteConninfo(database.isEmpty() ? options_.database : database), quoteConninfo(user));
}

void EmbeddedCluster::start(const Progress& progress)
{
    auto report = [&](const QString& step) {
        if (progress)
            progress(step);
    };
    prepareDirectories();
    if (!isInitialized()) {
        report(QStringLiteral("Creating the database cluster in %1").arg(dataDir()));
        initialize();
    }
    if (!isRunning()) {
        report(QStringLiteral("Starting PostgreSQL"));
        startServer();
        startedHere_ = true;
    }
    report(QStringLiteral("Opening database %1").arg(options_.database));
    createDatabase();
}

void EmbeddedCluster::prepareDirectories()
{
    const QFileInfo base(options_.baseDir);
    if (base.exists() && !base.isDir())
        throw ClusterError(QStringLiteral("the database directory %1 is a file, not a directory").arg(base.filePath()));
    // Only a directory of our layout (or an empty one) is ours to take over: as root the whole
    // directory is given to the service user, and a --data-dir of /root or /etc must not be.
    if (base.exists()) {
        static const QStringList ours{QStringLiteral("data"), QStringLiteral("run"), QStringLiteral("server.log"),
                                       QStringLiteral("pooler"), QStringLiteral("replica")};
        const QStringList entries = QDir(options_.baseDir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System
                                                                    | QDir::NoDotAndDotDot);
        for (const QString& entry : entries)
            if (!ours.contains(entry))
                throw ClusterError(QStringLiteral("%1 is not empty and not an Agent Console database directory (it holds "
                                                  "%2); choose an empty or new --data-dir")
                                       .arg(options_.baseDir, entry));
    }
    for (const QString& dir : {options_.baseDir, socketDir()}) {
        if (!QDir().mkpath(dir))
            throw ClusterError(QStringLiteral("cannot create the database directory %1 (permission denied?)").arg(dir));
        if (!QFileInfo(dir).isWritable() && !asRoot_)
            throw ClusterError(QStringLiteral("the database directory %1 is not writable").arg(dir));
    }
    const QFileInfo data(dataDir());
    if (data.exists() && !data.isDir())
        throw ClusterError(QStringLiteral("%1 is a file, not a PostgreSQL data directory").arg(data.filePath()));
    if (data.exists() && !isInitialized() && !QDir(dataDir()).isEmpty())
        throw ClusterError(QStringLiteral("%1 exists but is not a PostgreSQL data directory; "
                                          "move it away or choose another --data-dir")
                               .arg(dataDir()));
    QFile::setPermissions(socketDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (asRoot_) {
        const ServiceAccount account = lookupAccount(options_.serviceUser);
        chownTree(options_.baseDir, account);
        requireTraversable(options_.baseDir, account, options_.serviceUser);
        chownTree(socketDir(), account);
        if (QFileInfo::exists(logFile()))
            chownTree(logFile(), account);
    }
}

// The walreceiver of a replica runs as the server's account, pg_basebackup as the caller: both
// map to the owner for replication only. The server's account owns the data files already, so
// this gives it nothing it could not read.
void EmbeddedCluster::allowReplication()
{
    const QString hbaPath = dataDir() + QStringLiteral("/pg_hba.conf");
    QString hba = readTextFile(hbaPath);
    const QString line = QStringLiteral("local replication %1 peer map=replication\n").arg(options_.owner);
    if (hba.contains(line))
        return;
    const qsizetype at = hba.indexOf(QStringLiteral("local all all scram-sha-256"));
    hba.insert(at < 0 ? hba.size() : at, line);
    const QString identPath = dataDir() + QStringLiteral("/pg_ident.conf");
    QString ident = readTextFile(identPath);
    ident += QStringLiteral("replication %1 %2\n").arg(currentUserName(), options_.owner);
    if (asRoot_)
        ident += QStringLiteral("replication %1 %2\n").arg(options_.serviceUser, options_.owner);
    writeTextFile(identPath, ident, QIODevice::WriteOnly | QIODevice::Truncate);
    writeTextFile(hbaPath, hba, QIODevice::WriteOnly | QIODevice::Truncate);
    if (isRunning())
        runTool(QStringLiteral("pg_ctl"), {QStringLiteral("reload"), QStringLiteral("-D"), dataDir()});
}

QString EmbeddedCluster::runTool(const QString& tool, const QStringList& args, int timeoutMs) const
{
    return runAsServer(binDir_ + QLatin1Char('/') + tool, args, timeoutMs);
}

QString EmbeddedCluster::runAsServer(const QString& program, const QStringList& args, int timeoutMs) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(options_.baseDir);
    if (asRoot_)
        process.start(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), options_.serviceUser, QStringLiteral("--"), program} + args);
    else
        process.start(program, args);
    if (!process.waitForStarted(10000))
        throw ClusterError(QStringLiteral("cannot run %1: %2").arg(program, process.errorString()));
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        throw ClusterError(QStringLiteral("%1 did not finish within %2 s").arg(QFileInfo(program).fileName()).arg(timeoutMs / 1000));
    }
    const QString output = QString::fromLocal8Bit(process.readAll()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw ClusterError(QStringLiteral("%1 failed: %2").arg(QFileInfo(program).fileName(), output));
    return output;
}

void EmbeddedCluster::giveToServer(const QString& path) const
{
    if (asRoot_)
        chownTree(path, lookupAccount(options_.serviceUser));
}

void EmbeddedCluster::initialize()
{
    QStringList args{QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), options_.owner,
                     QStringLiteral("--auth-local=peer"), QStringLiteral("--auth-host=reject"),
                     QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C.UTF-8"),
                     QStringLiteral("--no-instructions")};
    if (!options_.durable)
        args << QStringLiteral("--no-sync");
    runTool(QStringLiteral("initdb"), args);
    writeConfiguration();
    allowReplication();
}

void EmbeddedCluster::writeConfiguration()
{
    QString conf = QStringLiteral(
                       "\n# Agent Console embedded cluster: Unix socket only.\n"
                       "listen_addresses = ''\n"
                       "unix_socket_directories = %1\n"
                       "unix_socket_permissions = 0700\n"
                       "port = %2\n"
                       "password_encryption = 'scram-sha-256'\n"
                       "shared_buffers = '256MB'\n"
                       "maintenance_work_mem = '1GB'\n"
                       "max_parallel_maintenance_workers = 2\n"
                       "logging_collector = off\n")
                       .arg(quoteConf(socketDir()))
                       .arg(options_.port);
    if (!options_.durable)
        conf += QStringLiteral("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    const QString hba = QStringLiteral(
                            "# Owner by OS identity (peer, mapped); every agent by SCRAM password. No TCP.\n"
                            "local all %1 peer map=owner\n"
                            "local all all scram-sha-256\n")
                            .arg(options_.owner);
    const QString ident = QStringLiteral("owner %1 %2\n").arg(currentUserName(), options_.owner);

    writeTextFile(dataDir() + QStringLiteral("/postgresql.conf"), conf, QIODevice::Append);
    writeTextFile(dataDir() + QStringLiteral("/pg_hba.conf"), hba, QIODevice::WriteOnly | QIODevice::Truncate);
    writeTextFile(dataDir() + QStringLiteral("/pg_ident.conf"), ident, QIODevice::WriteOnly | QIODevice::Truncate);
}

void EmbeddedCluster::startServer()
{
    const QString lock = socketDir() + QStringLiteral("/.s.PGSQL.%1.lock").arg(options_.port);
    if (QFileInfo::exists(lock)) {
        QFile file(lock);
        const qint64 pid = file.open(QIODevice::ReadOnly) ? file.readLine().trimmed().toLongLong() : 0;
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0)
            throw ClusterError(QStringLiteral("the socket %1/.s.PGSQL.%2 is in use by another server (pid %3); "
                                              "stop it or choose another --data-dir")
                                   .arg(socketDir())
                                   .arg(options_.port)
                                   .arg(pid));
    }
    try {
        runTool(QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"), logFile(), QStringLiteral("-w"),
                 QStringLiteral("-t"), QString::number(kServerStartTimeoutSeconds), QStringLiteral("-s"),
                 QStringLiteral("start")},
                (kServerStartTimeoutSeconds + 10) * 1000);
    } catch (const ClusterError& error) {
        throw ClusterError(QStringLiteral("PostgreSQL did not start (%1). Server log:\n%2")
                               .arg(QString::fromUtf8(error.what()), logTail()));
    }
}

void EmbeddedCluster::stop()
{
    if (!isRunning()) {
        startedHere_ = false;
        return;
    }
    runTool(QStringLiteral("pg_ctl"), {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), QStringLiteral("fast"),
                                       QStringLiteral("-w"), QStringLiteral("-s"), QStringLiteral("stop")});
    startedHere_ = false;
}

void EmbeddedCluster::createDatabase()
{
    PgConnection admin = PgConnection::open(conninfoFor(options_.owner, QStringLiteral("postgres")));
    PgParams params;
    params.add(options_.database);
    if (!admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", params).empty())
        return;
    const QByteArray name = options_.database.toUtf8();
    char* quoted = PQescapeIdentifier(admin.raw(), name.constData(), static_cast<size_t>(name.size()));
    const QString sql = QStringLiteral("CREATE DATABASE %1").arg(QString::fromUtf8(quoted));
    PQfreemem(quoted);
    admin.exec(sql);
}

QString EmbeddedCluster::logTail() const
{
    QFile file(logFile());
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no server log at %1)").arg(logFile());
    const QByteArray all = file.readAll();
    return QString::fromLocal8Bit(all.right(2000)).trimmed();
}

} // namespace ac::db
