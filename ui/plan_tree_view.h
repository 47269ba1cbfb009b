#pragma once

#include "retrieval/retrieval_types.h"

#include <QTreeWidget>

namespace ac::ui {

// The plans of the statements that just ran (one per retrieval leg) as trees, hot nodes coloured.
class PlanTreeView : public QTreeWidget {
    Q_OBJECT
public:
    enum Column { Node, Index, ActualRows, EstimatedRows, Loops, ExclusiveMs, TotalMs, Share, Buffers, RemovedByFilter, Detail };

    explicit PlanTreeView(QWidget* parent = nullptr);
    void showPlans(const std::vector<retrieval::QueryPlan>& plans);
    QStringList indexNames() const;  // every index named in the shown plans

private:
    void addNode(QTreeWidgetItem* parent, const retrieval::PlanNode& node, double statementMs);
};

} // namespace ac::ui
