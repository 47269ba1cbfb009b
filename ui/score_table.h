#pragma once

#include "retrieval/retrieval_types.h"

#include <QTableWidget>

namespace ac::ui {

// What the Scores tab's columns mean and in what order its rows are, for the answer's settings.
QString scoreLegend(const retrieval::Diagnostics& diagnostics);

// One row per result, in the order the agent sees them: vector similarity, BM25 score, fused and
// rerank score, each as a bar scaled to the column's largest value, each explained by a tooltip.
class ScoreTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Rank, Citation, Vector, Lexical, Fused, Rerank };
    explicit ScoreTable(QWidget* parent = nullptr);
    void showScores(const std::vector<retrieval::RetrievedChunk>& chunks, const retrieval::Diagnostics& diagnostics);
};

} // namespace ac::ui
