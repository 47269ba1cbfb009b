#pragma once

#include <QString>

#include <functional>
#include <stdexcept>

namespace ac::db {

// A cluster that cannot be created, started or stopped; the message says what to do about it.
class ClusterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    explicit ClusterError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

struct ClusterOptions {
    QString baseDir;            // holds data/, run/ (the socket) and server.log
    QString socketDir;          // empty: <baseDir>/run
    QString database = QStringLiteral("agent_console");
    QString owner = QStringLiteral("agent_console");   // bootstrap superuser, reached by peer auth
    int port = 5432;            // names the socket file only; the cluster never listens on TCP
    bool durable = true;        // false for throwaway test clusters: fsync off, no initdb sync
    QString serviceUser = QStringLiteral("postgres");  // runs the server when we are root
};

// A private PostgreSQL cluster the app starts itself: Unix socket only, peer authentication for
// the owner and SCRAM for everyone else. PostgreSQL refuses to run as root, so when the caller is
// root the server runs as options.serviceUser and owns the data directory.
class EmbeddedCluster {
public:
    using Progress = std::function<void(const QString& step)>;

    explicit EmbeddedCluster(ClusterOptions options);
    ~EmbeddedCluster();  // stops the server if this object started it and detach() was not called
    EmbeddedCluster(const EmbeddedCluster&) = delete;
    EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

    static QString defaultBaseDir();  // root: /var/lib/agent-console/db; else the user's data dir

    // Creates the cluster on first use, starts it unless already running, creates the database.
    void start(const Progress& progress = {});
    void stop();
    void detach() { startedHere_ = false; }
    bool isInitialized() const;
    bool isRunning() const;

    // Lets the owner stream the cluster's WAL (pg_basebackup, a replica) over the Unix socket, by
    // peer authentication like its other connections. Clusters created before it need it once.
    void allowReplication();

    QString conninfo() const;  // connects as the owner to the app database
    QString conninfoFor(const QString& user, const QString& database = {}) const;
    const ClusterOptions& options() const { return options_; }
    QString dataDir() const;
    QString socketDir() const;
    QString logFile() const;
    QString binDir() const { return binDir_; }

    // For processes that sit beside the server (the pooler): run `program` as the account the
    // server runs as, and give it files it must read. Both are plain calls when we are not root.
    QString runAsServer(const QString& program, const QStringList& args, int timeoutMs = 120000) const;
    void giveToServer(const QString& path) const;

private:
    void prepareDirectories();
    void initialize();
    void writeConfiguration();
    void startServer();
    void createDatabase();
    QString runTool(const QString& tool, const QStringList& args, int timeoutMs = 120000) const;
    QString logTail() const;

    ClusterOptions options_;
    QString binDir_;
    bool asRoot_ = false;
    bool startedHere_ = false;
};

} // namespace ac::db
