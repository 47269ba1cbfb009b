#pragma once

#include "console_types.h"

#include <QTextBrowser>

namespace ac::ui {

// The whole document or ticket behind the selected chunk, with that chunk highlighted.
class SourceViewer : public QTextBrowser {
    Q_OBJECT
public:
    explicit SourceViewer(QWidget* parent = nullptr);

    void showLoading(const retrieval::RetrievedChunk& chunk);
    void showSource(const SourceDocument& source, const QString& chunkText);
    void showMessage(const QString& message);
    const QString& sourceId() const { return sourceId_; }

private:
    QString sourceId_;
};

// Where chunkText sits in body, tolerant of whitespace differences; {-1, 0} when absent.
std::pair<qsizetype, qsizetype> locateChunk(const QString& body, const QString& chunkText);

} // namespace ac::ui
