#pragma once

#include "db/pg_connection.h"

#include <QString>

#include <functional>
#include <vector>

namespace ac::db {

struct Migration {
    int version = 0;
    QString name;      // file name, e.g. 001_core_schema.sql
    QString sql;
    QString checksum;  // sha256 of the file's bytes
};

// Applies numbered, immutable SQL files in order, each in its own transaction, recorded in
// schema_migrations with a checksum. An applied file that was edited is refused, never re-run.
class Migrator {
public:
    explicit Migrator(PgConnection& conn) : conn_(conn) {}

    static std::vector<Migration> embedded();              // the ones built into the binary
    static std::vector<Migration> fromDirectory(const QString& dir);

    // Returns the names applied by this call. An edited, already-applied file throws DbError with
    // sqlstate() == kEditedMigration before anything runs.
    QStringList apply(const std::vector<Migration>& migrations,
                      const std::function<void(const QString&)>& progress = {});
    QStringList pending(const std::vector<Migration>& migrations);

    static constexpr const char* kEditedMigration = "AC001";

private:
    void ensureTable();
    PgConnection& conn_;
};

} // namespace ac::db
