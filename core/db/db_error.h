#pragma once

#include <QString>

#include <source_location>
#include <stdexcept>

namespace ac::db {

// The one error type for database work: what failed, the SQLSTATE the server (or libpq) gave, the
// statement that ran and where in our code it was issued. Callers branch on sqlstate(), never on text.
class DbError : public std::runtime_error {
public:
    DbError(const QString& message, QString sqlstate = {}, QString query = {},
            std::source_location where = std::source_location::current());

    const QString& sqlstate() const { return sqlstate_; }
    const QString& query() const { return query_; }
    const std::source_location& where() const { return where_; }
    QString message() const { return QString::fromUtf8(what()); }

    bool isConnectionFailure() const;   // class 08, or libpq lost the connection
    bool isQueryCanceled() const;       // 57014
    bool isSerializationFailure() const; // 40001 / 40P01: safe to retry
    bool isInsufficientPrivilege() const; // 42501
    bool isUniqueViolation() const;     // 23505

private:
    QString sqlstate_;
    QString query_;
    std::source_location where_;
};

namespace sqlstate {
inline constexpr const char* kConnectionFailure = "08006";
inline constexpr const char* kQueryCanceled = "57014";
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kInvalidParameterValue = "22023";
inline constexpr const char* kDataException = "22000";
} // namespace sqlstate

} // namespace ac::db
