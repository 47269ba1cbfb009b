#pragma once

#include <QPlainTextEdit>

namespace ac::ui {

// Where the agent pastes the customer's message; Ctrl+Enter submits it.
class MessageEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit MessageEditor(QWidget* parent = nullptr);
    QString message() const { return toPlainText().trimmed(); }

signals:
    void submitted(const QString& message);

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

} // namespace ac::ui
