#include "cli_support.h"

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
