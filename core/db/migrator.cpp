#include "db/migrator.h"

#include "db/db_error.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QRegularExpression>

namespace ac::db {

namespace {

// Serialises concurrent migrators (two app instances starting at once).
constexpr qint64 kMigrationLockKey = 0x4147454e54434f4e;  // "AGENTCON"

std::vector<Migration> loadFrom(const QString& dir)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)_[A-Za-z0-9_]+\\.sql$"));
    std::vector<Migration> out;
    const QStringList names = QDir(dir).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        const auto match = pattern.match(name);
        if (!match.hasMatch())
            throw DbError(QStringLiteral("migration file %1 is not named NNN_description.sql").arg(name));
        QFile file(dir + QLatin1Char('/') + name);
        if (!file.open(QIODevice::ReadOnly))
            throw DbError(QStringLiteral("cannot read migration %1").arg(file.fileName()));
        const QByteArray bytes = file.readAll();
        out.push_back({match.captured(1).toInt(), name, QString::fromUtf8(bytes),
                       QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())});
    }
    for (size_t i = 1; i < out.size(); ++i)
        if (out[i].version == out[i - 1].version)
            throw DbError(QStringLiteral("migrations %1 and %2 share a number").arg(out[i - 1].name, out[i].name));
    return out;
}

} // namespace

std::vector<Migration> Migrator::embedded() { return loadFrom(QStringLiteral(":/migrations")); }

std::vector<Migration> Migrator::fromDirectory(const QString& dir) { return loadFrom(dir); }

void Migrator::ensureTable()
{
    conn_.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version integer PRIMARY KEY,"
               " name text NOT NULL,"
               " checksum text NOT NULL,"
               " applied_at timestamptz NOT NULL DEFAULT now())");
    conn_.takeNotices();
}

QStringList Migrator::pending(const std::vector<Migration>& migrations)
{
    ensureTable();
    QHash<int, QString> applied;
    const PgResult rows = conn_.exec("SELECT version, checksum FROM schema_migrations");
    for (int r = 0; r < rows.rows(); ++r)
        applied.insert(static_cast<int>(rows.integer(r, 0)), rows.text(r, 1));
    QStringList out;
    for (const Migration& m : migrations) {
        const auto found = applied.constFind(m.version);
        if (found == applied.cend()) {
            out << m.name;
        } else if (*found != m.checksum) {
            throw DbError(QStringLiteral("migration %1 was edited after it was applied (checksum %2, recorded %3). "
                                         "Applied migrations are immutable: restore the file and add a new "
                                         "numbered migration instead.")
                              .arg(m.name, m.checksum.left(12), found->left(12)),
                          QString::fromLatin1(kEditedMigration));
        }
    }
    return out;
}

QStringList Migrator::apply(const std::vector<Migration>& migrations, const std::function<void(const QString&)>& progress)
{
    PgParams lockKey;
    lockKey.add(kMigrationLockKey);
    conn_.exec("SELECT pg_advisory_lock($1)", lockKey);
    QStringList done;
    try {
        const QStringList todo = pending(migrations);
        for (const Migration& m : migrations) {
            if (!todo.contains(m.name))
                continue;
            if (progress)
                progress(QStringLiteral("Applying migration %1").arg(m.name));
            Transaction tx(conn_);
            conn_.execScript(m.sql);
            PgParams record;
            record.add(m.version).add(m.name).add(m.checksum);
            conn_.exec("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", record);
            tx.commit();
            conn_.takeNotices();
            done << m.name;
        }
    } catch (...) {
        if (conn_.isOk())
            conn_.exec("SELECT pg_advisory_unlock($1)", lockKey);
        throw;
    }
    conn_.exec("SELECT pg_advisory_unlock($1)", lockKey);
    return done;
}

} // namespace ac::db
