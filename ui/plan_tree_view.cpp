#include "plan_tree_view.h"

#include "plan_heat.h"

#include <QHeaderView>

namespace ac::ui {

QString misestimateText(double estimatedRows, double actualRows)
{
    const double factor = misestimateFactor(estimatedRows, actualRows);
    if (factor < 2)
        return {};
    const QString direction = std::max(estimatedRows, 1.0) < std::max(actualRows, 1.0) ? PlanTreeView::tr("under") : PlanTreeView::tr("over");
    return PlanTreeView::tr("%1x %2").arg(factor < 10 ? QString::number(factor, 'f', 1) : QString::number(qRound64(factor)), direction);
}

PlanTreeView::PlanTreeView(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("planTreeView"));
    setAccessibleName(tr("Query plan"));
    setHeaderLabels({tr("Node"), tr("Index"), tr("Actual rows"), tr("Est. rows"), tr("Misestimate"), tr("Loops"), tr("Self ms"),
                     tr("Total ms"), tr("% time"), tr("Buffers hit/read"), tr("Removed by filter"), tr("Detail")});
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
    setTextElideMode(Qt::ElideNone);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(QHeaderView::Interactive);
    headerItem()->setToolTip(Misestimate, tr("Planner estimate against actual rows per loop: 10x, 100x and 1000x are coloured"));
    headerItem()->setToolTip(ExclusiveMs, tr("Time in this node alone, children subtracted, all loops"));
    headerItem()->setToolTip(Share, tr("Share of the statement's execution time spent in this node alone"));
}

void PlanTreeView::showPlans(const std::vector<retrieval::QueryPlan>& plans)
{
    clear();
    for (const retrieval::QueryPlan& plan : plans) {
        auto* top = new QTreeWidgetItem(this);
        top->setText(Node, tr("%1 leg").arg(plan.leg));
        top->setText(Detail, tr("planning %1 ms, execution %2 ms").arg(plan.planningMs, 0, 'f', 3).arg(plan.executionMs, 0, 'f', 3));
        QFont bold = top->font(Node);
        bold.setBold(true);
        top->setFont(Node, bold);
        addNode(top, plan.root, plan.executionMs > 0 ? plan.executionMs : inclusiveMs(plan.root));
    }
    expandAll();
    for (int c = Node; c <= Detail; ++c)
        resizeColumnToContents(c);
}

void PlanTreeView::addNode(QTreeWidgetItem* parent, const retrieval::PlanNode& node, double statementMs)
{
    auto* item = new QTreeWidgetItem(parent);
    QString name = node.nodeType;
    if (!node.relation.isEmpty())
        name += tr(" on %1").arg(node.relation);
    item->setText(Node, name);
    item->setText(Index, node.indexName);
    item->setText(ActualRows, QString::number(node.actualRows, 'g', 8));
    item->setText(EstimatedRows, QString::number(node.planRows, 'g', 8));
    item->setText(Misestimate, misestimateText(node.planRows, node.actualRows));
    item->setText(Loops, QString::number(node.loops, 'g', 8));
    const double self = exclusiveMs(node);
    const double share = statementMs > 0 ? self / statementMs : 0;
    item->setText(ExclusiveMs, QString::number(self, 'f', 3));
    item->setText(TotalMs, QString::number(inclusiveMs(node), 'f', 3));
    item->setText(Share, QStringLiteral("%1 %").arg(share * 100, 0, 'f', 1));
    item->setText(Buffers, QStringLiteral("%1 / %2").arg(node.sharedHitBlocks).arg(node.sharedReadBlocks));
    item->setText(RemovedByFilter, node.rowsRemovedByFilter ? QString::number(node.rowsRemovedByFilter) : QString());
    item->setText(Detail, node.detail);
    item->setToolTip(Detail, node.detail);
    for (int c : {ActualRows, EstimatedRows, Misestimate, Loops, ExclusiveMs, TotalMs, Share, RemovedByFilter})
        item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);

    if (const QColor hot = heatColour(timeShareLevel(share)); hot.isValid()) {
        for (int c : {ExclusiveMs, Share}) {
            item->setBackground(c, hot);
            item->setForeground(c, Qt::black);
        }
        item->setBackground(Node, hot);
        item->setForeground(Node, Qt::black);
    }
    if (const QColor off = heatColour(misestimateLevel(node.planRows, node.actualRows)); off.isValid()) {
        for (int c : {ActualRows, EstimatedRows, Misestimate}) {
            item->setBackground(c, off);
            item->setForeground(c, Qt::black);
        }
        item->setToolTip(EstimatedRows, tr("Estimate off by a factor of %1").arg(misestimateFactor(node.planRows, node.actualRows), 0, 'f', 1));
    }
    for (const retrieval::PlanNode& child : node.children)
        addNode(item, child, statementMs);
}

QStringList PlanTreeView::indexNames() const
{
    QStringList names;
    for (QTreeWidgetItemIterator it(const_cast<PlanTreeView*>(this)); *it; ++it) {
        const QString name = (*it)->text(Index);
        if (!name.isEmpty() && !names.contains(name))
            names << name;
    }
    return names;
}

} // namespace ac::ui
