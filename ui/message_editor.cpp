#include "message_editor.h"

#include <QKeyEvent>

namespace ac::ui {

MessageEditor::MessageEditor(QWidget* parent) : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("messageEditor"));
    setAccessibleName(tr("Customer message"));
    setPlaceholderText(tr("Paste the customer's message, then press Ctrl+Enter"));
    setTabChangesFocus(true);
}

void MessageEditor::keyPressEvent(QKeyEvent* event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && (event->modifiers() & Qt::ControlModifier) && !(event->modifiers() & Qt::ShiftModifier)) {
        if (!message().isEmpty())
            emit submitted(message());
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace ac::ui
