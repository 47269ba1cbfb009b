#pragma once

#include "db/embedded_cluster.h"

#include <QString>

namespace ac::db {

struct PoolerOptions {
    int port = 6432;                 // names the socket file only; the pooler never listens on TCP
    int poolSize = 20;               // server connections per (role, database)
    int maxServerConnections = 60;   // for all roles together; the cluster allows 100
    int maxClients = 1000;
};

// PgBouncer in transaction mode in front of an embedded cluster, for the agents' connections (the
// owner keeps its direct, peer-authenticated one). Same socket directory, its own port. Clients
// log in by SCRAM against the agents' verifiers, which the owner copies from pg_authid into the
// pooler's auth file (mode 0600); PgBouncer then logs in to the server with the client's own SCRAM
// keys, so a server connection always runs as the agent who asked and pools are per role: no
// session state can pass from one agent to another. Files live in <cluster base>/pooler.
class EmbeddedPooler {
public:
    EmbeddedPooler(const EmbeddedCluster& cluster, PoolerOptions options = {});
    ~EmbeddedPooler();  // stops PgBouncer if this object started it and detach() was not called
    EmbeddedPooler(const EmbeddedPooler&) = delete;
    EmbeddedPooler& operator=(const EmbeddedPooler&) = delete;

    static QString program();  // the pgbouncer binary, or "" when it is not installed

    // Writes the configuration and the agents' verifiers, then starts PgBouncer (or, when it is
    // running already, makes it re-read both). The cluster must be running.
    void start();
    void stop();
    void detach() { startedHere_ = false; }
    bool isRunning() const;
    // Re-reads the agents' verifiers (after an agent was added or its password changed).
    void refreshAgents();

    QString conninfoFor(const QString& user) const;
    QString directory() const;
    QString logFile() const;
    const PoolerOptions& options() const { return options_; }

private:
    void writeConfiguration() const;
    void writeAgents() const;
    qint64 pid() const;
    void waitUntilAccepting() const;

    const EmbeddedCluster& cluster_;
    PoolerOptions options_;
    bool startedHere_ = false;
};

} // namespace ac::db
