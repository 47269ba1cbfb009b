#include "bootstrap/database_bootstrap.h"
#include "console_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMetaObject>
#include <QThread>

#include <memory>

using namespace ac;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("agent-console"));
    QApplication::setOrganizationName(QStringLiteral("agent-console"));
    QApplication::setApplicationVersion(QStringLiteral(AGENT_CONSOLE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Permission-aware RAG context for support agents."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("db"), QStringLiteral("libpq conninfo or URI of your own server."), QStringLiteral("conninfo")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Embedded cluster directory."), QStringLiteral("dir")});
    parser.process(app);

    bootstrap::BootstrapOptions options;
    options.dbOption = parser.value(QStringLiteral("db"));
    options.dataDir = parser.value(QStringLiteral("data-dir"));

    ui::ConsoleWindow window;
    window.show();

    // Starting, migrating and seeding can take seconds: never on the GUI thread.
    auto database = std::make_shared<std::unique_ptr<bootstrap::PreparedDatabase>>();
    QThread* worker = QThread::create([&window, options, database] {
        try {
            auto prepared = std::make_unique<bootstrap::PreparedDatabase>(bootstrap::prepareDatabase(
                options, [&window](const QString& step) {
                    QMetaObject::invokeMethod(&window, "showProgress", Qt::QueuedConnection, Q_ARG(QString, step));
                }));
            const QString description = prepared->description;
            *database = std::move(prepared);
            QMetaObject::invokeMethod(&window, "showDatabaseReady", Qt::QueuedConnection, Q_ARG(QString, description));
        } catch (const std::exception& error) {
            QMetaObject::invokeMethod(&window, "showDatabaseError", Qt::QueuedConnection,
                                      Q_ARG(QString, QString::fromUtf8(error.what())));
        }
    });
    worker->start();
    const int code = QApplication::exec();
    worker->wait();
    delete worker;
    return code;
}
