#include "db/db_error.h"

namespace ac::db {

DbError::DbError(const QString& message, QString sqlstate, QString query, std::source_location where)
    : std::runtime_error(message.toStdString()),
      sqlstate_(std::move(sqlstate)),
      query_(std::move(query)),
      where_(where)
{
}

bool DbError::isConnectionFailure() const { return sqlstate_.startsWith(QLatin1String("08")); }
bool DbError::isQueryCanceled() const { return sqlstate_ == QLatin1String(sqlstate::kQueryCanceled); }
bool DbError::isSerializationFailure() const
{
    return sqlstate_ == QLatin1String("40001") || sqlstate_ == QLatin1String("40P01");
}
bool DbError::isInsufficientPrivilege() const
{
    return sqlstate_ == QLatin1String(sqlstate::kInsufficientPrivilege);
}
bool DbError::isUniqueViolation() const { return sqlstate_ == QLatin1String(sqlstate::kUniqueViolation); }

} // namespace ac::db
