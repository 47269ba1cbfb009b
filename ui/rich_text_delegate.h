#pragma once

#include <QStyledItemDelegate>

namespace ac::ui {

// The CSS every card is laid out with, from the view's palette: the secondary text ("meta") and the
// source badges take the highlighted-text colour on a selected row, and colours that stay readable
// on the base colour otherwise, in light and dark themes alike.
QString cardStyleSheet(const QPalette& palette, bool selected);

// Paints an item's HTML (kHtmlRole) word-wrapped to the view's width: result cards, compare cells.
// The HTML marks secondary text with class "meta" and badges with "badge-document" / "badge-ticket".
class RichTextDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kHtmlRole = Qt::UserRole + 100;
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace ac::ui
