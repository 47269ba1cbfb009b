#pragma once

#include "db/embedded_cluster.h"
#include "db/pg_connection.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace ac::test {

// One real, throwaway, migrated database per test executable: an embedded cluster in a temporary
// directory (non-durable, so fast), stopped and removed at exit. AGENT_CONSOLE_TEST_DB=<conninfo>
// uses that (empty, disposable) database instead and starts nothing.
class TestDatabase {
public:
    static TestDatabase& instance();

    QString conninfo() const { return conninfo_; }
    db::PgConnection connect() const { return db::PgConnection::open(conninfo_); }
    db::EmbeddedCluster* cluster() const { return cluster_.get(); }  // null on an external server
    // conninfo to log in as another role (agent logins).
    QString conninfoForUser(const QString& user, const QString& password = {}) const;

    void seedFixtures();  // loads fixtures/merchants through the normal path, once per process

    ~TestDatabase();

private:
    TestDatabase();

    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<db::EmbeddedCluster> cluster_;
    QString conninfo_;
    bool seeded_ = false;
};

} // namespace ac::test
