#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <span>
#include <vector>

namespace ac::db {

// Positional parameters ($1, $2, ...) for a statement, all sent in text format. Values are never
// spliced into SQL text.
class PgParams {
public:
    PgParams() = default;

    PgParams& add(const QString& value);
    PgParams& add(const char* value);
    PgParams& add(qint64 value);
    PgParams& add(int value) { return add(static_cast<qint64>(value)); }
    PgParams& add(double value);
    PgParams& add(bool value);
    PgParams& addNull();
    PgParams& add(const std::optional<QString>& value);  // empty: NULL
    PgParams& add(const std::optional<int>& value) { return value ? add(*value) : addNull(); }
    PgParams& addTextArray(const QStringList& values);   // text[] literal
    PgParams& addVector(std::span<const float> values);  // pgvector text form [x,y,...]
    PgParams& addBytes(const QByteArray& utf8);

    int size() const { return static_cast<int>(values_.size()); }
    bool empty() const { return values_.empty(); }
    const char* const* data() const;  // valid until the next add()

    // Literal forms, exposed for COPY text rows and tests.
    static QByteArray textArrayLiteral(const QStringList& values);
    static QByteArray vectorLiteral(std::span<const float> values);

private:
    std::vector<std::optional<QByteArray>> values_;
    mutable std::vector<const char*> pointers_;
};

} // namespace ac::db
