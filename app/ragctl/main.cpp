#include "cli_support.h"
#include "command_registry.h"
#include "db/db_error.h"
#include "db/embedded_cluster.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <memory>

using namespace ac;

namespace {

int usage()
{
    cli::out() << "usage: ragctl <command> [options]   (ragctl <command> --help for its options)\n\ncommands:\n";
    for (const cli::CommandInfo& command : cli::commands())
        cli::out() << "  " << command.name.leftJustified(16) << command.summary << '\n';
    cli::out().flush();
    return 2;
}

} // namespace

int main(int argc, char* argv[])
{
    // Only the load test draws (its plot needs fonts): it gets a GUI application on the offscreen
    // platform; every other command stays a plain core application.
    const bool draws = argc > 1 && qstrcmp(argv[1], "loadtest") == 0;
    if (draws && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    const std::unique_ptr<QCoreApplication> app =
        draws ? std::make_unique<QGuiApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("agent-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AGENT_CONSOLE_VERSION));

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h"))
        return usage();
    const QString name = args[1];
    args.removeAt(1);
    args[0] = QStringLiteral("ragctl ") + name;

    for (const cli::CommandInfo& command : cli::commands()) {
        if (command.name != name)
            continue;
        try {
            return command.run(args);
        } catch (const cli::UsageError& error) {
            cli::err() << "ragctl " << name << ": " << error.what() << " (see ragctl " << name << " --help)" << Qt::endl;
            return 2;
        } catch (const db::DbError& error) {
            cli::err() << "ragctl " << name << ": error: " << error.what();
            if (!error.sqlstate().isEmpty())
                cli::err() << " [SQLSTATE " << error.sqlstate() << ']';
            cli::err() << Qt::endl;
            return 1;
        } catch (const std::exception& error) {
            cli::err() << "ragctl " << name << ": error: " << error.what() << Qt::endl;
            return 1;
        }
    }
    cli::err() << "ragctl: unknown command \"" << name << "\"\n";
    usage();
    return 2;
}
