#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <stdexcept>

namespace ac::db {

class ShardMapError : public std::runtime_error {
public:
    explicit ShardMapError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

// Which PostgreSQL server holds which merchant: scale-out past one server. Every shard is a whole
// Agent Console database (same migrations, its merchants' partitions, agents as its roles, its own
// row-level security and audit), and a merchant lives on exactly one shard, so no query ever spans
// two servers. The map is a JSON file:
//   {"shards": {"east": "service=ac-east", "west": "host=10.0.0.7 dbname=agent_console"},
//    "merchants": {"m01": "east", "m02": "west"}, "default": "east"}
// Conninfo strings carry no password (libpq's .pgpass, PGPASSFILE or a service supplies it).
class ShardMap {
public:
    static ShardMap fromFile(const QString& path);
    static ShardMap fromJson(const QByteArray& json, const QString& origin);

    QStringList shards() const { return shards_.keys(); }
    QString conninfoOf(const QString& shard) const;
    QString shardOf(const QString& merchant) const;  // its entry, else the default; ShardMapError if neither
    QString conninfoFor(const QString& merchant) const { return conninfoOf(shardOf(merchant)); }
    QStringList mappedMerchants() const { return merchants_.keys(); }
    QString origin() const { return origin_; }

private:
    QString origin_;
    QMap<QString, QString> shards_;     // name -> conninfo
    QMap<QString, QString> merchants_;  // merchant -> shard name
    QString default_;
};

} // namespace ac::db
