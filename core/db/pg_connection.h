#pragma once

#include "db/pg_params.h"
#include "db/pg_result.h"

#include <QString>

#include <libpq-fe.h>

#include <memory>
#include <mutex>
#include <source_location>

namespace ac::db {

// Cancels the statement running on a connection. Safe to call from any thread while the owning
// thread is blocked in exec(); a no-op once the connection is gone.
class CancelHandle {
public:
    CancelHandle() = default;
    explicit CancelHandle(PGconn* conn);
    bool cancel() const;

private:
    std::shared_ptr<PGcancel> cancel_;
};

// Owns one PGconn (PQfinish on destruction). Every failure throws DbError with its SQLSTATE.
// A connection is used by one thread at a time; give each worker thread its own.
class PgConnection {
public:
    // Connects with a libpq conninfo string or URI; an empty string means "libpq defaults": PG*
    // environment, pg_service.conf, .pgpass.
    static PgConnection open(const QString& conninfo,
                             std::source_location where = std::source_location::current());

    PgConnection(PgConnection&&) noexcept = default;
    PgConnection& operator=(PgConnection&&) noexcept = default;

    // One statement, parameters as $1..$n (extended protocol, so no multi-statement injection).
    PgResult exec(const char* sql, const PgParams& params = {},
                  std::source_location where = std::source_location::current());
    PgResult exec(const QString& sql, const PgParams& params = {},
                  std::source_location where = std::source_location::current());
    // Several statements from a trusted file (migrations); simple protocol, no parameters.
    void execScript(const QString& sql, std::source_location where = std::source_location::current());

    CancelHandle cancelHandle() const { return CancelHandle(conn_.get()); }
    bool isOk() const;
    bool inTransaction() const;
    int serverVersion() const;
    int backendPid() const;
    QString user() const;
    QString database() const;
    QString host() const;  // socket directory or host name
    QString describe() const;  // "db@host" for titles and logs, never the password
    PGconn* raw() const { return conn_.get(); }

    // Notices (e.g. "extension already exists, skipping") are collected, not printed.
    QStringList takeNotices();

private:
    explicit PgConnection(PGconn* conn);
    PgResult check(PGresult* result, const QString& sql, std::source_location where);

    std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
    std::unique_ptr<QStringList> notices_;
};

// BEGIN on construction, ROLLBACK on destruction unless commit() was called.
class Transaction {
public:
    explicit Transaction(PgConnection& conn, const char* begin = "BEGIN");
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    PgConnection& conn_;
    bool open_ = true;
};

} // namespace ac::db
