#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace ac::db {

// Where the app's data lives: a server the user named, or the private embedded cluster.
struct DatabaseTarget {
    bool embedded = true;
    QString conninfo;  // external: the user's conninfo/URI ("" = libpq defaults from PG*/service)
    QString origin;    // how it was chosen, for status bars and errors
};

// --db wins; otherwise any of PGHOST, PGHOSTADDR, PGPORT, PGDATABASE, PGUSER, PGSERVICE in the
// environment means "use that server" (libpq also honours pg_service.conf and .pgpass there);
// otherwise the embedded cluster.
DatabaseTarget resolveDatabaseTarget(const QString& dbOption,
                                     const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

} // namespace ac::db
