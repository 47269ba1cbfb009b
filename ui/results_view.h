#pragma once

#include "retrieval/retrieval_types.h"

#include <QListWidget>

namespace ac::ui {

// The ranked, cited chunks of the last question. Selecting one asks for its whole source.
class ResultsView : public QListWidget {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);

    void showChunks(const std::vector<retrieval::RetrievedChunk>& chunks, const QString& query);
    void clearResults(const QString& placeholder = {});
    const std::vector<retrieval::RetrievedChunk>& chunks() const { return chunks_; }
    QStringList citations() const;

signals:
    void chunkSelected(const ac::retrieval::RetrievedChunk& chunk);

private:
    std::vector<retrieval::RetrievedChunk> chunks_;
};

} // namespace ac::ui
