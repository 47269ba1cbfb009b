#include "console_window.h"

#include <QStatusBar>
#include <QVBoxLayout>

namespace ac::ui {

ConsoleWindow::ConsoleWindow(QWidget* parent) : QMainWindow(parent), statusLabel_(new QLabel(this))
{
    setWindowTitle(tr("Agent Console"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    statusLabel_->setAlignment(Qt::AlignCenter);
    statusLabel_->setWordWrap(true);
    statusLabel_->setText(tr("Preparing the database…"));
    layout->addWidget(statusLabel_);
    setCentralWidget(central);
    resize(1100, 720);
}

void ConsoleWindow::showProgress(const QString& step)
{
    statusLabel_->setText(step);
    statusBar()->showMessage(step);
}

void ConsoleWindow::showDatabaseReady(const QString& description)
{
    statusLabel_->setText(tr("Database ready: %1").arg(description));
    statusBar()->showMessage(description);
}

void ConsoleWindow::showDatabaseError(const QString& message)
{
    statusLabel_->setText(tr("The database could not be opened:\n%1").arg(message));
    statusBar()->showMessage(tr("Database unavailable"));
}

} // namespace ac::ui
