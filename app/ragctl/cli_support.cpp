#include "cli_support.h"

#include "db/shard_map.h"

#include <cstdio>

namespace ac::cli {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

void addDatabaseOptions(QCommandLineParser& parser)
{
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("libpq conninfo or URI of your own server (PG* variables, PGSERVICE and .pgpass "
                                     "are honoured too). Without it, the embedded cluster is used."),
                      QStringLiteral("conninfo")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Embedded cluster directory."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("shard-map"),
                      QStringLiteral("JSON map of merchants to servers: the command runs on the server of its --merchant."),
                      QStringLiteral("file")});
}

void parseOrThrow(QCommandLineParser& parser, const QStringList& args, const QString& description)
{
    parser.setApplicationDescription(description);
    const QCommandLineOption help = parser.addHelpOption();
    if (!parser.parse(args))
        throw UsageError(parser.errorText());
    if (parser.isSet(help)) {
        out() << parser.helpText();
        out().flush();
        std::exit(0);
    }
}

bootstrap::PreparedDatabase openDatabase(const QCommandLineParser& parser, bool seedFixtures)
{
    bootstrap::BootstrapOptions options;
    options.dbOption = parser.value(QStringLiteral("db"));
    if (parser.isSet(QStringLiteral("shard-map"))) {
        if (!options.dbOption.isEmpty() || parser.isSet(QStringLiteral("data-dir")))
            throw UsageError(QStringLiteral("--shard-map names the servers itself; leave out --db and --data-dir"));
        if (!parser.optionNames().contains(QStringLiteral("merchant")))
            throw UsageError(QStringLiteral("--shard-map routes by merchant: give --merchant (a command without one takes "
                                            "--db of the shard it should run on)"));
        options.dbOption = db::ShardMap::fromFile(parser.value(QStringLiteral("shard-map")))
                               .conninfoFor(parser.value(QStringLiteral("merchant")));
    }
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    options.seedFixtures = seedFixtures;
    return bootstrap::prepareDatabase(options, [](const QString& step) {
        err() << "ragctl: " << step << Qt::endl;
    });
}

int intOption(const QCommandLineParser& parser, const QString& name, int min, int max)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < min || value > max)
        throw UsageError(QStringLiteral("--%1 must be a whole number from %2 to %3 (got \"%4\")")
                             .arg(name)
                             .arg(min)
                             .arg(max)
                             .arg(parser.value(name)));
    return value;
}

} // namespace ac::cli
