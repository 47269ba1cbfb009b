#include "results_view.h"

#include "result_card.h"
#include "rich_text_delegate.h"
#include "text_highlighter.h"

namespace ac::ui {

ResultsView::ResultsView(QWidget* parent) : QListWidget(parent)
{
    setObjectName(QStringLiteral("resultsView"));
    setAccessibleName(tr("Cited chunks"));
    setItemDelegate(new RichTextDelegate(this));
    setWordWrap(true);
    setResizeMode(QListView::Adjust);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(chunks_.size()))
            emit chunkSelected(chunks_[static_cast<size_t>(row)]);
    });
}

void ResultsView::showChunks(const std::vector<retrieval::RetrievedChunk>& chunks, const QString& query)
{
    blockSignals(true);
    clear();
    blockSignals(false);
    chunks_ = chunks;
    const TextHighlighter highlighter(query);
    for (const retrieval::RetrievedChunk& chunk : chunks_) {
        auto* item = new QListWidgetItem(this);
        item->setData(RichTextDelegate::kHtmlRole, resultCardHtml(chunk, highlighter));
        item->setData(Qt::DisplayRole, QString());
        item->setData(Qt::AccessibleTextRole, QStringLiteral("%1 %2").arg(chunk.citation, chunk.text));
        item->setToolTip(chunk.citation);
    }
    if (chunks_.empty())
        clearResults(tr("No chunk this agent may read matches the message."));
}

void ResultsView::clearResults(const QString& placeholder)
{
    blockSignals(true);
    clear();
    blockSignals(false);
    chunks_.clear();
    if (!placeholder.isEmpty()) {
        auto* item = new QListWidgetItem(this);
        item->setData(RichTextDelegate::kHtmlRole, QStringLiteral("<i>%1</i>").arg(placeholder.toHtmlEscaped()));
        item->setFlags(Qt::NoItemFlags);
    }
}

QStringList ResultsView::citations() const
{
    QStringList out;
    for (const retrieval::RetrievedChunk& chunk : chunks_)
        out << chunk.citation;
    return out;
}

} // namespace ac::ui
