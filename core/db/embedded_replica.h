#pragma once

#include "db/embedded_cluster.h"
#include "db/pg_connection.h"

#include <optional>

namespace ac::db {

// A streaming physical replica of an embedded cluster: a second cluster in <primary base>/replica,
// made by pg_basebackup from the primary (-R: it follows the primary's WAL as a hot standby), on its
// own socket and port. Agents log in to it as they do to the primary (roles and passwords are
// replicated); it is read-only, so writes (ingest, audit) go to the primary.
class EmbeddedReplica {
public:
    explicit EmbeddedReplica(EmbeddedCluster& primary, int port = 5433);
    EmbeddedReplica(const EmbeddedReplica&) = delete;
    EmbeddedReplica& operator=(const EmbeddedReplica&) = delete;

    // Creates the replica on first use (the primary must be running), then starts it unless it runs.
    void start(const EmbeddedCluster::Progress& progress = {});
    void stop() { replica_.stop(); }
    void detach() { replica_.detach(); }
    bool isInitialized() const { return replica_.isInitialized(); }
    bool isRunning() const { return replica_.isRunning(); }
    QString conninfo() const { return replica_.conninfo(); }
    QString conninfoFor(const QString& user) const { return replica_.conninfoFor(user); }
    const EmbeddedCluster& cluster() const { return replica_; }

private:
    void createFromPrimary();

    EmbeddedCluster& primary_;
    EmbeddedCluster replica_;
};

// How far a replica's replay is behind its primary: WAL bytes, and the age of the last replayed
// transaction when the replica is behind (0 when it has replayed everything).
struct ReplicationLag {
    qint64 bytes = 0;
    double seconds = 0;
};

// Any role may ask (agents included): both functions are public in PostgreSQL.
ReplicationLag replicationLag(PgConnection& primary, PgConnection& replica);

// The primary's current WAL position: what a reader must wait for to see what was just committed.
QString currentWalLsn(PgConnection& primary);

// Read-your-writes: waits until the replica has replayed `lsn`; false after timeoutMs.
bool waitForReplay(PgConnection& replica, const QString& lsn, int timeoutMs);

} // namespace ac::db
