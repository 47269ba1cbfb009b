#include "rich_text_delegate.h"

#include <QAbstractItemView>
#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTextDocument>

namespace ac::ui {

namespace {

constexpr int kMargin = 6;

QColor mixed(const QColor& a, const QColor& b, double share)
{
    return QColor::fromRgbF(static_cast<float>(a.redF() * share + b.redF() * (1 - share)),
                            static_cast<float>(a.greenF() * share + b.greenF() * (1 - share)),
                            static_cast<float>(a.blueF() * share + b.blueF() * (1 - share)));
}

bool isDark(const QColor& c)
{
    return c.lightnessF() < 0.5;
}

int viewportWidth(const QStyleOptionViewItem& option)
{
    if (auto* view = qobject_cast<const QAbstractItemView*>(option.widget))
        return view->viewport()->width();
    return option.rect.width();
}

void layoutDocument(QTextDocument& doc, const QStyleOptionViewItem& option, const QModelIndex& index, bool selected)
{
    doc.setDefaultFont(option.font);
    doc.setDocumentMargin(kMargin);
    doc.setDefaultStyleSheet(cardStyleSheet(option.palette, selected));
    doc.setHtml(index.data(RichTextDelegate::kHtmlRole).toString());
    const int width = option.rect.width() > 0 ? option.rect.width() : viewportWidth(option);
    doc.setTextWidth(std::max(width, 120));
}

} // namespace

QString cardStyleSheet(const QPalette& palette, bool selected)
{
    if (selected) {
        const QString text = palette.color(QPalette::HighlightedText).name();
        return QStringLiteral(".meta{color:%1} .badge-document{color:%1} .badge-ticket{color:%1}").arg(text);
    }
    const QColor base = palette.color(QPalette::Base);
    const QColor meta = mixed(palette.color(QPalette::Text), base, 0.72);
    const bool dark = isDark(base);
    const QString document = dark ? QStringLiteral("#99c1f1") : QStringLiteral("#1a5fb4");
    const QString ticket = dark ? QStringLiteral("#dc8add") : QStringLiteral("#813d9c");
    return QStringLiteral(".meta{color:%1} .badge-document{color:%2} .badge-ticket{color:%3}")
        .arg(meta.name(), document, ticket);
}

void RichTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const bool selected = option.state & QStyle::State_Selected;
    QTextDocument doc;
    layoutDocument(doc, option, index, selected);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette = option.palette;
    if (selected)
        context.palette.setColor(QPalette::Text, option.palette.color(QPalette::HighlightedText));
    painter->save();
    painter->translate(option.rect.topLeft());
    painter->setClipRect(option.rect.translated(-option.rect.topLeft()));
    doc.documentLayout()->draw(painter, context);
    painter->setPen(option.palette.color(QPalette::Mid));
    painter->drawLine(0, option.rect.height() - 1, option.rect.width(), option.rect.height() - 1);
    painter->restore();
}

// The width is the viewport's, never the text's ideal width: a card wraps, it never asks for a
// horizontal scrollbar.
QSize RichTextDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    const int width = std::max(viewportWidth(option), 120);
    opt.rect.setWidth(width);
    QTextDocument doc;
    layoutDocument(doc, opt, index, false);
    return QSize(width, static_cast<int>(doc.size().height()) + 1);
}

} // namespace ac::ui
