#include "bootstrap/database_bootstrap.h"
#include "console_window.h"
#include "demo_driver.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMetaObject>
#include <QThread>

#include <mutex>

#include <memory>

using namespace ac;

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("agent-console"));
    QApplication::setDesktopFileName(QStringLiteral("agent-console"));  // the menu entry's icon and name
    QApplication::setOrganizationName(QStringLiteral("agent-console"));
    QApplication::setApplicationVersion(QStringLiteral(AGENT_CONSOLE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Permission-aware RAG context for support agents."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("db"), QStringLiteral("libpq conninfo or URI of your own server."), QStringLiteral("conninfo")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Embedded cluster directory."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("pooler"), QStringLiteral("Embedded default: connect agents through PgBouncer (transaction mode).")});
    parser.addOption({QStringLiteral("replica"), QStringLiteral("Embedded default: agents read from a streaming replica (made on first use); "
                                                                "the audit and drafts go to the primary.")});
    parser.addOption({QStringLiteral("demo-login"), QStringLiteral("Log in as this demo agent (id or name) with its demo password."), QStringLiteral("agent")});
    parser.addOption({QStringLiteral("demo-compare"), QStringLiteral("Also log in this demo agent and compare."), QStringLiteral("agent")});
    parser.addOption({QStringLiteral("demo-message"), QStringLiteral("Ask this customer message after logging in."), QStringLiteral("text")});
    parser.addOption({QStringLiteral("show-compare"), QStringLiteral("Leave the comparison tab in front.")});
    parser.addOption({QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window once the answer is shown, then quit."), QStringLiteral("file")});
    parser.process(app);

    bootstrap::BootstrapOptions options;
    options.dbOption = parser.value(QStringLiteral("db"));
    options.dataDir = parser.value(QStringLiteral("data-dir"));
    options.pooler = parser.isSet(QStringLiteral("pooler"));
    options.replica = parser.isSet(QStringLiteral("replica"));

    auto windowOwner = std::make_unique<ui::ConsoleWindow>();
    ui::ConsoleWindow& window = *windowOwner;
    const ui::DemoScript script{parser.value(QStringLiteral("demo-login")), parser.value(QStringLiteral("demo-compare")),
                                parser.value(QStringLiteral("demo-message")), parser.value(QStringLiteral("screenshot")),
                                parser.isSet(QStringLiteral("show-compare"))};
    auto* demo = new ui::DemoDriver(&window, script);
    int demoExit = 0;
    if (!script.screenshot.isEmpty())
        QObject::connect(demo, &ui::DemoDriver::finished, &app, [&demoExit](bool ok) {
            demoExit = ok ? 0 : 1;
            QApplication::exit(demoExit);
        });
    window.show();

    // Starting, migrating and seeding can take seconds: never on the GUI thread. The prepared
    // database (and the embedded cluster it may own) lives until the app exits.
    auto database = std::make_shared<std::unique_ptr<bootstrap::PreparedDatabase>>();
    QThread* worker = QThread::create([&window, options, database, script] {
        try {
            auto prepared = std::make_unique<bootstrap::PreparedDatabase>(bootstrap::prepareDatabase(
                options, [&window](const QString& step) {
                    QMetaObject::invokeMethod(&window, "showProgress", Qt::QueuedConnection, Q_ARG(QString, step));
                }));
            ui::DatabaseInfo info{prepared->conninfo, {}, prepared->description, prepared->cluster != nullptr, {}, {}};
            if (prepared->pooler)
                info.agentConninfo = prepared->pooler->conninfoFor(prepared->cluster->options().owner);
            if (prepared->replica)
                info.replicaConninfo = prepared->replica->conninfo();
            if (db::EmbeddedCluster* cluster = prepared->cluster.get()) {
                // Both agent workers may notice at once: one start at a time, and only when it is down.
                info.restartServer = [cluster, pooler = prepared->pooler.get(), replica = prepared->replica.get(),
                                      lock = std::make_shared<std::mutex>()] {
                    const std::lock_guard<std::mutex> guard(*lock);
                    if (!cluster->isRunning())
                        cluster->start();
                    if (pooler && !pooler->isRunning())
                        pooler->start();
                    if (replica && !replica->isRunning())
                        replica->start();
                };
            }
            *database = std::move(prepared);
            QMetaObject::invokeMethod(&window, [&window, info] {
                window.showDatabaseReady(info.description);
                window.setDatabase(info);
            }, Qt::QueuedConnection);
        } catch (const std::exception& error) {
            QMetaObject::invokeMethod(&window, "showDatabaseError", Qt::QueuedConnection,
                                      Q_ARG(QString, QString::fromUtf8(error.what())));
            if (!script.screenshot.isEmpty())
                QMetaObject::invokeMethod(qApp, [] { QApplication::exit(1); }, Qt::QueuedConnection);
        }
    });
    worker->start();
    const int code = QApplication::exec();
    worker->wait();
    delete worker;
    windowOwner.reset();  // its worker threads close their connections before the server stops
    database.reset();
    return code != 0 ? code : demoExit;
}
