#pragma once

#include <QLabel>
#include <QMainWindow>

namespace ac::ui {

// The agent's main window. Filled in by the console feature work; the foundation shows where the
// database is and whether it is ready.
class ConsoleWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit ConsoleWindow(QWidget* parent = nullptr);

public slots:
    void showProgress(const QString& step);
    void showDatabaseReady(const QString& description);
    void showDatabaseError(const QString& message);

private:
    QLabel* statusLabel_;
};

} // namespace ac::ui
