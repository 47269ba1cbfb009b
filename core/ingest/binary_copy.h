#pragma once

#include "db/pg_connection.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <span>

namespace ac::ingest {

// Encodes rows in PostgreSQL's binary COPY format: a header, per row a field count and
// length-prefixed big-endian fields, a trailer. Vectors use pgvector's binary form (int16 dims,
// int16 unused, float4 values).
class BinaryCopyEncoder {
public:
    BinaryCopyEncoder();

    void beginRow(int fields);
    void addText(const QString& value);
    void addText(const std::optional<QString>& value);
    void addInt4(qint32 value);
    void addInt4(const std::optional<qint32>& value);
    void addTimestamp(const std::optional<QDateTime>& value);  // timestamptz
    void addTextArray(const QStringList& values);
    void addJsonb(const QJsonObject& value);
    void addJsonbText(const QByteArray& json);
    void addVector(std::span<const float> values);
    void addNull();

    // The stream so far plus the trailer; the encoder is empty afterwards.
    QByteArray finish();
    qsizetype size() const { return buffer_.size(); }

private:
    void putInt16(qint16 v);
    void putInt32(qint32 v);
    void putInt64(qint64 v);
    QByteArray buffer_;
};

// Streams `data` (a finished BinaryCopyEncoder buffer) into `copySql` ("COPY t (...) FROM STDIN
// (FORMAT binary)"). Throws DbError with the server's SQLSTATE on failure.
void copyIn(db::PgConnection& conn, const char* copySql, const QByteArray& data);

} // namespace ac::ingest
