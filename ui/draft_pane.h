#pragma once

#include "agent/reply_draft.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;

namespace ac::ui {

// The suggested reply beside the results: streams while it is drafted, then shows the checked
// draft with its citations as links (to the source viewer), citations removed by the check and
// unsupported claims marked, and who wrote it (template or model). Stop, Regenerate and Copy.
class DraftPane : public QWidget {
    Q_OBJECT
public:
    explicit DraftPane(QWidget* parent = nullptr);

    void clear(const QString& message = {});
    void startDraft();                      // "drafting..." until the first piece
    void appendPiece(const QString& piece); // streamed text, unchecked: shown as plain text
    void showDraft(const agent::ReplyDraft& draft);
    void showError(const QString& message);

    const agent::ReplyDraft& draft() const { return draft_; }
    QString shownText() const;     // what Copy puts on the clipboard
    QString statusText() const;

signals:
    void citationActivated(const QString& citation);
    void regenerateRequested();
    void stopRequested();

private:
    void copy();

    agent::ReplyDraft draft_;
    bool receiving_ = false;  // the streamed text has replaced the placeholder
    QTextBrowser* text_;
    QLabel* status_;
    QLabel* warnings_;
    QPushButton* stop_;
    QPushButton* regenerate_;
    QPushButton* copy_;
};

} // namespace ac::ui
