#pragma once

#include "bootstrap/database_bootstrap.h"

#include <QCommandLineParser>
#include <QTextStream>

namespace ac::cli {

QTextStream& out();
QTextStream& err();

// A parse error or bad argument: main() prints it with the command's usage hint, exit code 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

// --db, --data-dir: the connection options every database command shares.
void addDatabaseOptions(QCommandLineParser& parser);
// Parses args (throws UsageError) with --help handled.
void parseOrThrow(QCommandLineParser& parser, const QStringList& args, const QString& description);
// Starts/opens the database the options name. Embedded: started, migrated and seeded on first use.
bootstrap::PreparedDatabase openDatabase(const QCommandLineParser& parser, bool seedFixtures = true);
// A positive integer option, or UsageError naming the option.
int intOption(const QCommandLineParser& parser, const QString& name, int min, int max);

} // namespace ac::cli
