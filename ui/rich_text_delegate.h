#pragma once

#include <QStyledItemDelegate>

namespace ac::ui {

// Paints an item's HTML (kHtmlRole) word-wrapped to the view's width: result cards, compare cells.
class RichTextDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kHtmlRole = Qt::UserRole + 100;
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace ac::ui
