#include "db/database_target.h"

namespace ac::db {

DatabaseTarget resolveDatabaseTarget(const QString& dbOption, const QProcessEnvironment& env)
{
    if (!dbOption.isEmpty())
        return {false, dbOption, QStringLiteral("--db")};
    static const char* const kServerVariables[] = {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"};
    for (const char* name : kServerVariables) {
        if (!env.value(QString::fromLatin1(name)).isEmpty())
            return {false, QString(), QStringLiteral("%1 environment").arg(QString::fromLatin1(name))};
    }
    return {true, QString(), QStringLiteral("embedded cluster")};
}

} // namespace ac::db
