#pragma once

#include "retrieval/retrieval_types.h"

#include <QTreeWidget>

namespace ac::ui {

// "12x under" / "340x over" (estimate against actual rows); empty below 2x.
QString misestimateText(double estimatedRows, double actualRows);

// The plans of the statements that just ran (one per retrieval leg) as trees, hot nodes coloured and
// misestimates named by their factor (pgAdmin's 10x / 100x / 1000x levels). Detail is never elided:
// the view scrolls sideways instead.
class PlanTreeView : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { Node, Index, ActualRows, EstimatedRows, Misestimate, Loops, ExclusiveMs, TotalMs, Share, Buffers, RemovedByFilter, Detail };

    explicit PlanTreeView(QWidget* parent = nullptr);
    void showPlans(const std::vector<retrieval::QueryPlan>& plans);
    QStringList indexNames() const;  // every index named in the shown plans

private:
    void addNode(QTreeWidgetItem* parent, const retrieval::PlanNode& node, double statementMs);
};

} // namespace ac::ui
