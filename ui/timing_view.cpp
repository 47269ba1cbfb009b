#include "timing_view.h"

#include "bar_delegate.h"

#include <QHeaderView>

namespace ac::ui {

TimingView::TimingView(QWidget* parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("timingView"));
    setAccessibleName(tr("Per-stage timing"));
    setColumnCount(2);
    setHorizontalHeaderLabels({tr("Stage"), tr("Milliseconds")});
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    setItemDelegateForColumn(1, new BarDelegate(QColor(0x99, 0xc1, 0xf1), this));
}

void TimingView::showTimings(const AskAnswer& answer)
{
    std::vector<std::pair<QString, double>> rows;
    for (const retrieval::StageTiming& t : answer.pack.timings)
        rows.emplace_back(tr("context: %1").arg(t.stage), t.ms);
    for (const retrieval::StageTiming& t : answer.pack.retrieval.timings)
        rows.emplace_back(tr("retrieval: %1").arg(t.stage), t.ms);
    rows.emplace_back(tr("retrieval total"), answer.pack.retrieval.totalMs);
    rows.emplace_back(tr("context pack total"), answer.pack.totalMs);
    rows.emplace_back(tr("round trip (worker)"), answer.roundTripMs);
    double top = 0;
    for (const auto& [stage, ms] : rows)
        top = std::max(top, ms);
    setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < rowCount(); ++r) {
        const auto& [stage, ms] = rows[static_cast<size_t>(r)];
        setItem(r, 0, new QTableWidgetItem(stage));
        auto* value = new QTableWidgetItem(QString::number(ms, 'f', 3));
        value->setData(BarDelegate::kFractionRole, top > 0 ? ms / top : 0.0);
        setItem(r, 1, value);
    }
}

QStringList TimingView::stages() const
{
    QStringList out;
    for (int r = 0; r < rowCount(); ++r)
        out << item(r, 0)->text();
    return out;
}

} // namespace ac::ui
