#include "ticket_history_view.h"

#include <QHeaderView>

#include <algorithm>

namespace ac::ui {

TicketHistoryView::TicketHistoryView(QWidget* parent) : QTreeWidget(parent)
{
    setObjectName(QStringLiteral("ticketHistoryView"));
    setAccessibleName(tr("Customer ticket history"));
    setHeaderLabels({tr("Ticket"), tr("Opened"), tr("Status"), tr("Category"), tr("Order"), tr("Customer said")});
    setRootIsDecorated(false);
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
    header()->setStretchLastSection(true);
    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        emit ticketActivated(item->data(0, Qt::UserRole).toString());
    });
}

void TicketHistoryView::showTickets(std::vector<agent::TicketFact> tickets)
{
    clear();
    std::stable_sort(tickets.begin(), tickets.end(), [](const agent::TicketFact& a, const agent::TicketFact& b) {
        return a.createdAt.value_or(QDateTime()) > b.createdAt.value_or(QDateTime());
    });
    for (const agent::TicketFact& t : tickets) {
        auto* item = new QTreeWidgetItem(this);
        item->setText(0, t.citation.isEmpty() ? t.ticketId : t.citation);
        item->setData(0, Qt::UserRole, t.ticketId);
        item->setText(1, t.createdAt ? t.createdAt->toUTC().toString(QStringLiteral("yyyy-MM-dd")) : QString());
        item->setText(2, t.status);
        item->setText(3, t.category);
        item->setText(4, t.orderNumber.isEmpty() ? QString() : QStringLiteral("#%1").arg(t.orderNumber));
        item->setText(5, t.openingMessage);
        QString tip = t.openingMessage;
        if (t.messageCount > 1)
            tip += QStringLiteral("\n\nLatest (%1): %2").arg(t.lastAuthor, t.lastMessage);
        item->setToolTip(5, tip);
    }
    for (int c = 0; c < 5; ++c)
        resizeColumnToContents(c);
}

QStringList TicketHistoryView::ticketIds() const
{
    QStringList ids;
    for (int i = 0; i < topLevelItemCount(); ++i)
        ids << topLevelItem(i)->data(0, Qt::UserRole).toString();
    return ids;
}

} // namespace ac::ui
