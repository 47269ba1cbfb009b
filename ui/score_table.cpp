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

QString fusionOf(const retrieval::Diagnostics& d)
{
    const QString fusion = d.settings.value(QStringLiteral("fusion")).toString();
    return fusion.isEmpty() ? QObject::tr("fusion") : fusion;
}

QString cellToolTip(int column, double value, std::optional<int> rank, const retrieval::Diagnostics& d)
{
    const QString legRank = rank ? QObject::tr(", #%1 in its leg").arg(*rank) : QString();
    switch (column) {
    case ScoreTable::Vector:
        return QObject::tr("Cosine similarity %1 between the message and this chunk%2").arg(value, 0, 'f', 4).arg(legRank);
    case ScoreTable::Lexical:
        return QObject::tr("Okapi BM25 score %1 of the message's terms in this chunk%2").arg(value, 0, 'f', 4).arg(legRank);
    case ScoreTable::Fused:
        return QObject::tr("Fused score %1 (%2 of the two legs)").arg(value, 0, 'f', 4).arg(fusionOf(d));
    case ScoreTable::Rerank:
        return QObject::tr("Reranker (%1) score %2: decides the final order").arg(d.reranker, QString::number(value, 'f', 4));
    default:
        return {};
    }
}

} // namespace

QString scoreLegend(const retrieval::Diagnostics& d)
{
    const QString order = d.reranker.isEmpty()
        ? QObject::tr("Rows are in the order the agent sees: by <b>fused</b> score (the reranker is off)")
        : QObject::tr("Rows are in the order the agent sees: by <b>rerank</b> score (%1 reranker), so a higher fused "
                      "score can sit lower").arg(d.reranker.toHtmlEscaped());
    return QObject::tr("%1; at most one chunk per source unless asked for more. <b>Vector</b>: cosine similarity "
                       "(1 = same direction). <b>Lexical</b>: Okapi BM25. <b>Fused</b>: %2 of both legs. "
                       "(#n) = rank within that leg; — = not found by that leg. Bars compare with the column's best.")
        .arg(order, fusionOf(d).toHtmlEscaped());
}

ScoreTable::ScoreTable(QWidget* parent) : QTableWidget(parent)
{
    setObjectName(QStringLiteral("scoreTable"));
    setAccessibleName(tr("Scores per result"));
    setColumnCount(6);
    setHorizontalHeaderLabels({tr("#"), tr("Citation"), tr("Vector similarity"), tr("Lexical (BM25)"), tr("Fused"), tr("Rerank")});
    const QStringList tips = {tr("Final rank, as the agent sees it"), tr("What a reply cites"),
                              tr("Cosine similarity of the message's and the chunk's embeddings; (#n) = rank in the vector leg"),
                              tr("Okapi BM25 score of the message's terms; (#n) = rank in the lexical leg"),
                              tr("The two legs fused (the fusion method is in the legend above)"),
                              tr("The reranker's score; the final order follows it when the reranker is on")};
    for (int c = 0; c < tips.size(); ++c)
        horizontalHeaderItem(c)->setToolTip(tips[c]);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(Rank, QHeaderView::ResizeToContents);
    setItemDelegateForColumn(Vector, new BarDelegate(QColor(0x99, 0xc1, 0xf1), this));
    setItemDelegateForColumn(Lexical, new BarDelegate(QColor(0x8f, 0xf0, 0xa4), this));
    setItemDelegateForColumn(Fused, new BarDelegate(QColor(0xf9, 0xf0, 0x6b), this));
    setItemDelegateForColumn(Rerank, new BarDelegate(QColor(0xdc, 0x8a, 0xdd), this));
}

void ScoreTable::showScores(const std::vector<retrieval::RetrievedChunk>& chunks, const retrieval::Diagnostics& diagnostics)
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
                item->setToolTip(cellToolTip(column, *value, rank, diagnostics));
            } else {
                item->setText(QStringLiteral("—"));
                item->setToolTip(tr("Not found by this leg"));
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
