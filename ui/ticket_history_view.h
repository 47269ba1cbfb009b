#pragma once

#include "agent/context_pack.h"

#include <QTreeWidget>

namespace ac::ui {

// The customer's earlier tickets this agent may read, newest first.
class TicketHistoryView : public QTreeWidget {
    Q_OBJECT
public:
    explicit TicketHistoryView(QWidget* parent = nullptr);

    void showTickets(std::vector<agent::TicketFact> tickets);
    QStringList ticketIds() const;

signals:
    void ticketActivated(const QString& ticketId);
};

} // namespace ac::ui
