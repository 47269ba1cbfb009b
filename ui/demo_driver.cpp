#include "demo_driver.h"

#include "console_window.h"
#include "message_editor.h"
#include "source_viewer.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace ac::ui {

DemoDriver::DemoDriver(ConsoleWindow* window, DemoScript script) : QObject(window), window_(window), script_(std::move(script))
{
    if (!script_.agent.isEmpty())
        window_->setAutoLogin(script_.agent, {}, true);
    connect(window_, &ConsoleWindow::loggedIn, this, &DemoDriver::afterLogin, Qt::SingleShotConnection);
    connect(window_, &ConsoleWindow::loginFailed, this, [this](const QString& message) {
        std::fprintf(stderr, "demo: login failed: %s\n", qPrintable(message));
        emit finished(false);
    });
    connect(window_, &ConsoleWindow::askFailed, this, [this](const WorkerFailure& failure) {
        std::fprintf(stderr, "demo: ask failed: %s\n", qPrintable(failure.message));
        emit finished(false);
    });
}

void DemoDriver::afterLogin()
{
    if (!script_.compareAgent.isEmpty()) {
        const auto other = window_->findAgent(script_.compareAgent);
        if (other) {
            connect(window_, &ConsoleWindow::compareAgentLoggedIn, this, [this] {
                if (!script_.message.isEmpty()) {
                    connect(window_, &ConsoleWindow::answerShown, this, &DemoDriver::afterAnswer, Qt::SingleShotConnection);
                    connect(window_, &ConsoleWindow::compareShown, this, [this] { compared_ = true; afterAnswer(); },
                            Qt::SingleShotConnection);
                    window_->messageEditor()->setPlainText(script_.message);
                    window_->compare();
                }
            }, Qt::SingleShotConnection);
            window_->loginCompareAgent(*other, other->demoPassword);
            return;
        }
    }
    if (script_.message.isEmpty())
        return;
    compared_ = true;
    connect(window_, &ConsoleWindow::answerShown, this, &DemoDriver::afterAnswer, Qt::SingleShotConnection);
    window_->ask(script_.message);
}

void DemoDriver::afterAnswer()
{
    if (window_->lastAnswer())
        answered_ = true;
    if (!answered_ || !compared_)
        return;
    if (script_.screenshot.isEmpty() || capturing_)
        return;
    capturing_ = true;
    if (!script_.showCompare)
        window_->findChild<QTabWidget*>(QStringLiteral("centreTabs"))->setCurrentIndex(0);
    if (!window_->sourceViewer()->sourceId().isEmpty()) {
        QTimer::singleShot(400, this, &DemoDriver::capture);
        return;
    }
    connect(window_, &ConsoleWindow::sourceShown, this, [this] { QTimer::singleShot(400, this, &DemoDriver::capture); },
            Qt::SingleShotConnection);
}

void DemoDriver::capture()
{
    const QFileInfo target(script_.screenshot);
    QDir().mkpath(target.absolutePath());
    const QPixmap shot = window_->grab();
    const bool ok = shot.save(target.absoluteFilePath(), "PNG");
    std::fprintf(stderr, "demo: screenshot %s %s (%dx%d)\n", qPrintable(target.absoluteFilePath()), ok ? "saved" : "FAILED",
                 shot.width(), shot.height());
    emit finished(ok);
}

} // namespace ac::ui
