#pragma once

#include "db/database_target.h"
#include "db/embedded_cluster.h"
#include "db/embedded_pooler.h"
#include "db/embedded_replica.h"

#include <QString>

#include <functional>
#include <memory>

namespace ac::bootstrap {

struct BootstrapOptions {
    QString dbOption;       // --db: conninfo or URI of the user's own server
    QString dataDir;        // --data-dir: embedded cluster location (empty: default)
    bool seedFixtures = true;   // embedded only: load the demo merchants on first start
    bool durable = true;        // false for throwaway clusters (tests, benchmarks)
    bool pooler = false;        // embedded only: agents connect through PgBouncer (transaction mode)
    bool replica = false;       // embedded only: start a streaming read replica (made on first use)
};

// A database ready for the app: the embedded cluster started, migrated and seeded on first use,
// or the user's server checked for pending migrations.
struct PreparedDatabase {
    db::DatabaseTarget target;
    std::unique_ptr<db::EmbeddedCluster> cluster;  // null for an external server
    std::unique_ptr<db::EmbeddedPooler> pooler;    // embedded with BootstrapOptions::pooler only
    std::unique_ptr<db::EmbeddedReplica> replica;  // embedded with BootstrapOptions::replica only
    QString conninfo;                              // owner/admin connection
    QString description;                           // "embedded: /var/lib/..." or "server: ..."

    // conninfo for logging in as another role (agents): the same server and database, through the
    // pooler when there is one.
    QString conninfoForUser(const QString& user) const;
};

using Progress = std::function<void(const QString&)>;

PreparedDatabase prepareDatabase(const BootstrapOptions& options, const Progress& progress = {});

} // namespace ac::bootstrap
