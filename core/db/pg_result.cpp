#include "db/pg_result.h"

#include "db/db_error.h"

namespace ac::db {

int PgResult::column(const char* name) const
{
    const int col = result_ ? PQfnumber(result_.get(), name) : -1;
    if (col < 0)
        throw DbError(QStringLiteral("result has no column \"%1\"").arg(QString::fromUtf8(name)));
    return col;
}

QString PgResult::columnName(int col) const { return QString::fromUtf8(PQfname(result_.get(), col)); }

qint64 PgResult::affectedRows() const
{
    return result_ ? QByteArray(PQcmdTuples(result_.get())).toLongLong() : 0;
}

bool PgResult::isNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }

QString PgResult::text(int row, int col) const
{
    return QString::fromUtf8(PQgetvalue(result_.get(), row, col), PQgetlength(result_.get(), row, col));
}

QByteArray PgResult::bytes(int row, int col) const
{
    return QByteArray(PQgetvalue(result_.get(), row, col), PQgetlength(result_.get(), row, col));
}

qint64 PgResult::integer(int row, int col) const
{
    return QByteArray::fromRawData(PQgetvalue(result_.get(), row, col), PQgetlength(result_.get(), row, col))
        .toLongLong();
}

double PgResult::real(int row, int col) const
{
    return QByteArray::fromRawData(PQgetvalue(result_.get(), row, col), PQgetlength(result_.get(), row, col))
        .toDouble();
}

bool PgResult::boolean(int row, int col) const { return PQgetvalue(result_.get(), row, col)[0] == 't'; }

QStringList PgResult::textArray(int row, int col) const
{
    if (isNull(row, col))
        return {};
    return parseTextArray(bytes(row, col));
}

std::vector<float> PgResult::vector(int row, int col) const
{
    std::vector<float> out;
    QByteArray literal = bytes(row, col);
    if (literal.size() < 2)
        return out;
    for (const QByteArray& part : literal.mid(1, literal.size() - 2).split(','))
        out.push_back(part.toFloat());
    return out;
}

QStringList PgResult::parseTextArray(const QByteArray& literal)
{
    QStringList out;
    if (literal.size() < 2 || literal.front() != '{')
        return out;
    QByteArray current;
    bool quoted = false;
    bool wasQuoted = false;
    for (qsizetype i = 1; i < literal.size() - 1; ++i) {
        const char c = literal[i];
        if (quoted) {
            if (c == '\\' && i + 1 < literal.size() - 1)
                current += literal[++i];
            else if (c == '"')
                quoted = false;
            else
                current += c;
        } else if (c == '"') {
            quoted = wasQuoted = true;
        } else if (c == ',') {
            out << QString::fromUtf8(current);
            current.clear();
            wasQuoted = false;
        } else {
            current += c;
        }
    }
    if (!current.isEmpty() || wasQuoted || !out.isEmpty())
        out << QString::fromUtf8(current);
    return out;
}

} // namespace ac::db
