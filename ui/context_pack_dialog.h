#pragma once

#include <QDialog>

class QPlainTextEdit;
class QTabWidget;

namespace ac::ui {

// Shows the LLM-ready context that was just copied to the clipboard, as text and as JSON.
class ContextPackDialog : public QDialog {
    Q_OBJECT
public:
    explicit ContextPackDialog(QWidget* parent = nullptr);
    void showPack(const QString& text, const QString& json);
    QString text() const;

private:
    QPlainTextEdit* text_;
    QPlainTextEdit* json_;
};

} // namespace ac::ui
