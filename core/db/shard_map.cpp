#include "db/shard_map.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <libpq-fe.h>

#include <memory>

namespace ac::db {

namespace {

// Parsed by libpq itself, so a URI and a key=value string are judged alike.
void requireNoPassword(const QString& conninfo, const QString& where)
{
    char* error = nullptr;
    const QByteArray utf8 = conninfo.toUtf8();
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(utf8.constData(), &error),
                                                                        &PQconninfoFree);
    if (error != nullptr)
        PQfreemem(error);  // it may quote the string, password included
    if (!options)
        throw ShardMapError(QStringLiteral("%1 is not a libpq conninfo string or URI").arg(where));
    for (PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o)
        if (qstrcmp(o->keyword, "password") == 0 && o->val != nullptr && *o->val != '\0')
            throw ShardMapError(QStringLiteral("%1 has a password; put it in .pgpass or a service file instead").arg(where));
}

} // namespace

ShardMap ShardMap::fromFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ShardMapError(QStringLiteral("cannot read the shard map %1: %2").arg(path, file.errorString()));
    return fromJson(file.readAll(), path);
}

ShardMap ShardMap::fromJson(const QByteArray& json, const QString& origin)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        throw ShardMapError(QStringLiteral("%1: not a JSON object (%2 at offset %3)")
                                .arg(origin, parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    ShardMap map;
    map.origin_ = origin;
    const QJsonObject shards = root.value(QStringLiteral("shards")).toObject();
    if (shards.isEmpty())
        throw ShardMapError(QStringLiteral("%1: \"shards\" names no server").arg(origin));
    for (auto it = shards.begin(); it != shards.end(); ++it) {
        if (!it.value().isString())
            throw ShardMapError(QStringLiteral("%1: shard \"%2\" must be a conninfo string").arg(origin, it.key()));
        requireNoPassword(it.value().toString(), QStringLiteral("%1: shard \"%2\"").arg(origin, it.key()));
        map.shards_.insert(it.key(), it.value().toString());
    }
    const QJsonObject merchants = root.value(QStringLiteral("merchants")).toObject();
    for (auto it = merchants.begin(); it != merchants.end(); ++it) {
        const QString shard = it.value().toString();
        if (!map.shards_.contains(shard))
            throw ShardMapError(QStringLiteral("%1: merchant \"%2\" is on \"%3\", which is not a shard").arg(origin, it.key(), shard));
        map.merchants_.insert(it.key(), shard);
    }
    map.default_ = root.value(QStringLiteral("default")).toString();
    if (!map.default_.isEmpty() && !map.shards_.contains(map.default_))
        throw ShardMapError(QStringLiteral("%1: the default \"%2\" is not a shard").arg(origin, map.default_));
    return map;
}

QString ShardMap::conninfoOf(const QString& shard) const
{
    const auto it = shards_.find(shard);
    if (it == shards_.end())
        throw ShardMapError(QStringLiteral("%1: no shard \"%2\"").arg(origin_, shard));
    return it.value();
}

QString ShardMap::shardOf(const QString& merchant) const
{
    const QString shard = merchants_.value(merchant, default_);
    if (shard.isEmpty())
        throw ShardMapError(QStringLiteral("%1 places merchant \"%2\" on no shard and has no default").arg(origin_, merchant));
    return shard;
}

} // namespace ac::db
