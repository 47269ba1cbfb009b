#pragma once

#include <QString>
#include <QStringList>

#include <libpq-fe.h>

#include <memory>
#include <vector>

namespace ac::db {

// Owns one PGresult (PQclear on destruction). Accessors take row/column indexes or column names;
// a NULL reads as an empty/zero value, isNull() tells them apart.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(PGresult* result) : result_(result, &PQclear) {}

    int rows() const { return result_ ? PQntuples(result_.get()) : 0; }
    int columns() const { return result_ ? PQnfields(result_.get()) : 0; }
    bool empty() const { return rows() == 0; }
    int column(const char* name) const;  // throws DbError when absent
    QString columnName(int col) const;
    qint64 affectedRows() const;

    bool isNull(int row, int col) const;
    QString text(int row, int col) const;
    QByteArray bytes(int row, int col) const;
    qint64 integer(int row, int col) const;
    double real(int row, int col) const;
    bool boolean(int row, int col) const;
    QStringList textArray(int row, int col) const;  // one-dimensional text[] only
    std::vector<float> vector(int row, int col) const;  // pgvector text form

    QString text(int row, const char* name) const { return text(row, column(name)); }
    qint64 integer(int row, const char* name) const { return integer(row, column(name)); }
    double real(int row, const char* name) const { return real(row, column(name)); }
    bool boolean(int row, const char* name) const { return boolean(row, column(name)); }
    bool isNull(int row, const char* name) const { return isNull(row, column(name)); }
    QStringList textArray(int row, const char* name) const { return textArray(row, column(name)); }

    PGresult* raw() const { return result_.get(); }

    static QStringList parseTextArray(const QByteArray& literal);

private:
    std::shared_ptr<PGresult> result_;
};

} // namespace ac::db
