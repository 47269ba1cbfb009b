#pragma once

#include <QStyledItemDelegate>

namespace ac::ui {

// Draws a horizontal bar behind the cell's text, as long as the cell's kFractionRole (0..1).
class BarDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kFractionRole = Qt::UserRole + 200;
    explicit BarDelegate(QColor colour, QObject* parent = nullptr) : QStyledItemDelegate(parent), colour_(colour) {}

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    QColor colour_;
};

} // namespace ac::ui
