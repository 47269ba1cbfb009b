#include "rich_text_delegate.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace ac::ui {

namespace {

constexpr int kMargin = 6;

void layoutDocument(QTextDocument& doc, const QStyleOptionViewItem& option, const QModelIndex& index)
{
    doc.setDefaultFont(option.font);
    doc.setDocumentMargin(kMargin);
    doc.setHtml(index.data(RichTextDelegate::kHtmlRole).toString());
    int width = option.rect.width();
    if (width <= 0) {
        if (auto* view = qobject_cast<const QAbstractItemView*>(option.widget))
            width = view->viewport()->width();
    }
    doc.setTextWidth(std::max(width, 200));
}

} // namespace

void RichTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    QTextDocument doc;
    layoutDocument(doc, option, index);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette = option.palette;
    if (option.state & QStyle::State_Selected)
        context.palette.setColor(QPalette::Text, option.palette.color(QPalette::HighlightedText));
    painter->save();
    painter->translate(option.rect.topLeft());
    painter->setClipRect(option.rect.translated(-option.rect.topLeft()));
    doc.documentLayout()->draw(painter, context);
    painter->setPen(option.palette.color(QPalette::Mid));
    painter->drawLine(0, option.rect.height() - 1, option.rect.width(), option.rect.height() - 1);
    painter->restore();
}

QSize RichTextDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QTextDocument doc;
    layoutDocument(doc, option, index);
    return QSize(static_cast<int>(doc.idealWidth()), static_cast<int>(doc.size().height()) + 1);
}

} // namespace ac::ui
