#pragma once

#include "retrieval/retrieval_types.h"

#include <QTableWidget>

namespace ac::ui {

// One row per result: vector similarity, lexical score, fused RRF and rerank score, each as a bar
// scaled to the column's largest value.
class ScoreTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column { Rank, Citation, Vector, Lexical, Fused, Rerank };
    explicit ScoreTable(QWidget* parent = nullptr);
    void showScores(const std::vector<retrieval::RetrievedChunk>& chunks);
};

} // namespace ac::ui
