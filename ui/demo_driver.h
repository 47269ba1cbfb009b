#pragma once

#include <QObject>
#include <QString>

namespace ac::ui {

class ConsoleWindow;

// Scripted steps for demos and the README screenshot: log in, optionally log in a second agent to
// compare, ask a message, select the first result, save a PNG of the window, quit.
struct DemoScript {
    QString agent;          // --demo-login (id or name); its demo password is used
    QString compareAgent;   // --demo-compare
    QString message;        // --demo-message
    QString screenshot;     // --screenshot PATH: save and quit once everything is shown
    bool showCompare = false;
};

class DemoDriver : public QObject {
    Q_OBJECT
public:
    DemoDriver(ConsoleWindow* window, DemoScript script);

signals:
    void finished(bool ok);

private:
    void afterLogin();
    void afterAnswer();
    void capture();

    ConsoleWindow* window_;
    DemoScript script_;
    bool answered_ = false;
    bool compared_ = false;
    bool capturing_ = false;
};

} // namespace ac::ui
