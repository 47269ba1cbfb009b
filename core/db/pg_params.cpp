#include "db/pg_params.h"

namespace ac::db {

PgParams& PgParams::add(const QString& value) { return addBytes(value.toUtf8()); }
PgParams& PgParams::add(const char* value) { return addBytes(QByteArray(value)); }
PgParams& PgParams::add(qint64 value) { return addBytes(QByteArray::number(value)); }
PgParams& PgParams::add(double value) { return addBytes(QByteArray::number(value, 'g', 17)); }
PgParams& PgParams::add(bool value) { return addBytes(value ? "true" : "false"); }

PgParams& PgParams::addNull()
{
    values_.emplace_back(std::nullopt);
    return *this;
}

PgParams& PgParams::add(const std::optional<QString>& value)
{
    return value ? add(*value) : addNull();
}

PgParams& PgParams::addTextArray(const QStringList& values) { return addBytes(textArrayLiteral(values)); }
PgParams& PgParams::addVector(std::span<const float> values) { return addBytes(vectorLiteral(values)); }

PgParams& PgParams::addBytes(const QByteArray& utf8)
{
    values_.emplace_back(utf8);
    return *this;
}

const char* const* PgParams::data() const
{
    pointers_.clear();
    pointers_.reserve(values_.size());
    for (const auto& v : values_)
        pointers_.push_back(v ? v->constData() : nullptr);
    return pointers_.data();
}

QByteArray PgParams::textArrayLiteral(const QStringList& values)
{
    QByteArray out("{");
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        out += '"';
        for (char c : values[i].toUtf8()) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

QByteArray PgParams::vectorLiteral(std::span<const float> values)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(values.size()) * 11 + 2);
    out += '[';
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        out += QByteArray::number(values[i], 'g', 9);
    }
    out += ']';
    return out;
}

} // namespace ac::db
