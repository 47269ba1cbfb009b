#include "cli_support.h"
#include "command_registry.h"
#include "db/pg_connection.h"
#include "db/shard_map.h"

#include <QSet>

namespace ac::cli {
namespace {

constexpr const char* kMerchants = "SELECT id FROM merchants ORDER BY id";

int runShards(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("shard-map"), QStringLiteral("JSON map of merchants to servers."), QStringLiteral("file")});
    parseOrThrow(parser, args, QStringLiteral(
        "Check a shard map against its servers: each one reachable and migrated, every merchant stored on the shard "
        "the map routes it to, and none stored twice. Exit status 3 when something is out of place."));
    if (!parser.isSet(QStringLiteral("shard-map")))
        throw UsageError(QStringLiteral("give --shard-map"));
    const db::ShardMap map = db::ShardMap::fromFile(parser.value(QStringLiteral("shard-map")));

    QMap<QString, QStringList> storedOn;  // merchant -> shards that hold it
    for (const QString& shard : map.shards()) {
        bootstrap::BootstrapOptions options;
        options.dbOption = map.conninfoOf(shard);
        options.seedFixtures = false;
        const bootstrap::PreparedDatabase prepared = bootstrap::prepareDatabase(options);  // refuses pending migrations
        db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
        const db::PgResult rows = conn.exec(kMerchants);
        QStringList here;
        for (int r = 0; r < rows.rows(); ++r) {
            here << rows.text(r, 0);
            storedOn[rows.text(r, 0)] << shard;
        }
        out() << shard << ": " << prepared.description << ", " << here.size() << " merchants"
              << (here.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(here.join(QStringLiteral(", ")))) << '\n';
    }
    int problems = 0;
    for (auto it = storedOn.begin(); it != storedOn.end(); ++it) {
        if (it.value().size() > 1) {
            out() << "merchant " << it.key() << " is stored on " << it.value().join(QStringLiteral(" and ")) << '\n';
            ++problems;
            continue;
        }
        QString routed;
        try {
            routed = map.shardOf(it.key());
        } catch (const db::ShardMapError&) {
        }
        if (routed != it.value().front()) {
            out() << "merchant " << it.key() << " is stored on " << it.value().front() << " but the map routes it to "
                  << (routed.isEmpty() ? QStringLiteral("no shard") : routed) << '\n';
            ++problems;
        }
    }
    for (const QString& merchant : map.mappedMerchants())
        if (!storedOn.contains(merchant))
            out() << "merchant " << merchant << " is mapped to " << map.shardOf(merchant) << " but stored nowhere yet\n";
    out() << (problems == 0 ? QStringLiteral("shard map consistent") : QStringLiteral("%1 merchants out of place").arg(problems)) << '\n';
    out().flush();
    return problems == 0 ? 0 : 3;
}

const CommandRegistrar kShards("shards", "check a shard map (merchants across servers) against its servers", &runShards);

} // namespace
} // namespace ac::cli
