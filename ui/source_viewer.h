#pragma once

#include "console_types.h"

#include <QWidget>

class QLabel;
class QTextBrowser;

namespace ac::ui {

// The whole document or ticket behind the selected chunk, with that chunk marked. Documents are
// rendered from their Markdown; the title and ACL stay in view above the scrolling text.
class SourceViewer : public QWidget {
    Q_OBJECT
public:
    explicit SourceViewer(QWidget* parent = nullptr);

    void showLoading(const retrieval::RetrievedChunk& chunk);
    void showSource(const SourceDocument& source, const QString& chunkText);
    void showMessage(const QString& message);
    const QString& sourceId() const { return sourceId_; }

    QString headerText() const;
    QString toHtml() const;
    QString toPlainText() const;
    // The marked chunk as the reader sees it (empty when the chunk was not found in the source).
    QString markedText() const;

private:
    QLabel* header_;
    QTextBrowser* body_;
    QString sourceId_;
    QString marked_;
};

// Where chunkText sits in body, tolerant of whitespace differences; {-1, 0} when absent.
std::pair<qsizetype, qsizetype> locateChunk(const QString& body, const QString& chunkText);

} // namespace ac::ui
