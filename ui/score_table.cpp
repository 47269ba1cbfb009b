#include "score_table.h"

#include "bar_delegate.h"

#include <QHeaderView>

namespace ac::ui {

namespace {

std::optional<double> scoreOf(const retrieval::Scores& s, int column)
{
    switch (column) {
    case ScoreTable::Vector: return s.vectorSimilarity;
    case ScoreTable::Lexical: return s.lexicalScore;
    case ScoreTable::Fused: return s.fused;
    case ScoreTable::Rerank: return s.rerank;
    default: return std::nullopt;
    }
}

std::optional<int> rankOf(const retrieval::Scores& s, int column)
{
    if (column == ScoreTable::Vector)
        return s.vectorRank;
    if (column == ScoreTable::Lexical)
        return s.lexicalRank;
    return std::nullopt;
}

} // namespace

ScoreTable::ScoreTable(QWidget* parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("scoreTable"));
    setAccessibleName(tr("Scores per result"));
    setColumnCount(6);
    setHorizontalHeaderLabels({tr("#"), tr("Citation"), tr("Vector similarity"), tr("Lexical"), tr("Fused (RRF)"), tr("Rerank")});
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(Rank, QHeaderView::ResizeToContents);
    setItemDelegateForColumn(Vector, new BarDelegate(QColor(0x99, 0xc1, 0xf1), this));
    setItemDelegateForColumn(Lexical, new BarDelegate(QColor(0x8f, 0xf0, 0xa4), this));
    setItemDelegateForColumn(Fused, new BarDelegate(QColor(0xf9, 0xf0, 0x6b), this));
    setItemDelegateForColumn(Rerank, new BarDelegate(QColor(0xdc, 0x8a, 0xdd), this));
}

void ScoreTable::showScores(const std::vector<retrieval::RetrievedChunk>& chunks)
{
    setRowCount(static_cast<int>(chunks.size()));
    for (int column : {Vector, Lexical, Fused, Rerank}) {
        double top = 0;
        for (const auto& c : chunks)
            top = std::max(top, scoreOf(c.scores, column).value_or(0.0));
        for (int row = 0; row < rowCount(); ++row) {
            const retrieval::Scores& s = chunks[static_cast<size_t>(row)].scores;
            auto* item = new QTableWidgetItem;
            if (const auto value = scoreOf(s, column)) {
                const auto rank = rankOf(s, column);
                item->setText(QStringLiteral("%1%2").arg(*value, 0, 'f', 4).arg(rank ? QStringLiteral("  (#%1)").arg(*rank) : QString()));
                item->setData(BarDelegate::kFractionRole, top > 0 ? *value / top : 0.0);
            } else {
                item->setText(QStringLiteral("—"));
            }
            setItem(row, column, item);
        }
    }
    for (int row = 0; row < rowCount(); ++row) {
        const auto& c = chunks[static_cast<size_t>(row)];
        setItem(row, Rank, new QTableWidgetItem(QString::number(c.rank)));
        setItem(row, Citation, new QTableWidgetItem(c.citation));
    }
}

} // namespace ac::ui
