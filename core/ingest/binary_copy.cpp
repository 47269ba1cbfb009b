#include "ingest/binary_copy.h"

#include "db/db_error.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QtEndian>

#include <cstring>

namespace ac::ingest {

namespace {

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes including the trailing NUL
constexpr qint32 kTextOid = 25;
constexpr qint64 kPostgresEpochMs = 946684800000LL;  // 2000-01-01T00:00:00Z in Unix ms

} // namespace

BinaryCopyEncoder::BinaryCopyEncoder()
{
    buffer_.append(kSignature, 11);
    putInt32(0);  // flags
    putInt32(0);  // header extension length
}

void BinaryCopyEncoder::putInt16(qint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    buffer_.append(b, 2);
}

void BinaryCopyEncoder::putInt32(qint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    buffer_.append(b, 4);
}

void BinaryCopyEncoder::putInt64(qint64 v)
{
    char b[8];
    qToBigEndian(v, b);
    buffer_.append(b, 8);
}

void BinaryCopyEncoder::beginRow(int fields) { putInt16(static_cast<qint16>(fields)); }

void BinaryCopyEncoder::addNull() { putInt32(-1); }

void BinaryCopyEncoder::addText(const QString& value)
{
    const QByteArray utf8 = value.toUtf8();
    putInt32(static_cast<qint32>(utf8.size()));
    buffer_.append(utf8);
}

void BinaryCopyEncoder::addText(const std::optional<QString>& value)
{
    if (value)
        addText(*value);
    else
        addNull();
}

void BinaryCopyEncoder::addInt4(qint32 value)
{
    putInt32(4);
    putInt32(value);
}

void BinaryCopyEncoder::addInt4(const std::optional<qint32>& value)
{
    if (value)
        addInt4(*value);
    else
        addNull();
}

void BinaryCopyEncoder::addTimestamp(const std::optional<QDateTime>& value)
{
    if (!value || !value->isValid()) {
        addNull();
        return;
    }
    putInt32(8);
    putInt64((value->toMSecsSinceEpoch() - kPostgresEpochMs) * 1000);
}

void BinaryCopyEncoder::addTextArray(const QStringList& values)
{
    std::vector<QByteArray> items;
    qint32 length = values.isEmpty() ? 12 : 20;
    for (const QString& v : values) {
        items.push_back(v.toUtf8());
        length += 4 + static_cast<qint32>(items.back().size());
    }
    putInt32(length);
    putInt32(values.isEmpty() ? 0 : 1);  // dimensions
    putInt32(0);                          // no NULL elements
    putInt32(kTextOid);
    if (values.isEmpty())
        return;
    putInt32(static_cast<qint32>(values.size()));
    putInt32(1);  // lower bound
    for (const QByteArray& item : items) {
        putInt32(static_cast<qint32>(item.size()));
        buffer_.append(item);
    }
}

void BinaryCopyEncoder::addJsonb(const QJsonObject& value)
{
    addJsonbText(QJsonDocument(value).toJson(QJsonDocument::Compact));  // jsonb binary: version byte 1 + text
}

void BinaryCopyEncoder::addJsonbText(const QByteArray& json)
{
    putInt32(static_cast<qint32>(json.size() + 1));
    buffer_.append('\1');
    buffer_.append(json);
}

void BinaryCopyEncoder::addVector(std::span<const float> values)
{
    putInt32(static_cast<qint32>(4 + 4 * values.size()));
    putInt16(static_cast<qint16>(values.size()));
    putInt16(0);
    const qsizetype at = buffer_.size();
    buffer_.resize(at + static_cast<qsizetype>(4 * values.size()));
    char* out = buffer_.data() + at;
    for (float f : values) {
        quint32 bits;
        std::memcpy(&bits, &f, 4);
        qToBigEndian(bits, out);
        out += 4;
    }
}

QByteArray BinaryCopyEncoder::finish()
{
    putInt16(-1);
    QByteArray out = std::move(buffer_);
    buffer_ = QByteArray();
    buffer_.append(kSignature, 11);
    putInt32(0);
    putInt32(0);
    return out;
}

void copyIn(db::PgConnection& conn, const char* copySql, const QByteArray& data)
{
    conn.exec(copySql);  // enters COPY IN state (PGRES_COPY_IN)
    PGconn* raw = conn.raw();
    constexpr qsizetype kPiece = 1 << 20;
    bool sent = true;
    for (qsizetype at = 0; at < data.size() && sent; at += kPiece) {
        const int n = static_cast<int>(std::min(kPiece, data.size() - at));
        sent = PQputCopyData(raw, data.constData() + at, n) == 1;
    }
    const int ended = sent ? PQputCopyEnd(raw, nullptr) : PQputCopyEnd(raw, "client failed to send COPY data");
    QString message;
    QString state;
    bool failed = ended != 1;
    if (failed)
        message = QString::fromUtf8(PQerrorMessage(raw)).trimmed();
    while (PGresult* result = PQgetResult(raw)) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && !failed) {
            failed = true;
            state = QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE));
            message = QString::fromUtf8(PQresultErrorMessage(result)).trimmed();
        }
        PQclear(result);
    }
    if (!failed)
        return;
    if (PQstatus(raw) == CONNECTION_BAD && !state.startsWith(QLatin1String("08")))
        state = QString::fromLatin1(db::sqlstate::kConnectionFailure);
    throw db::DbError(message.isEmpty() ? QStringLiteral("COPY failed") : message, state, QString::fromUtf8(copySql));
}

} // namespace ac::ingest
