#include "agent/ticket_history.h"

#include "agent/agent_sql.h"

namespace ac::agent {

std::vector<TicketFact> ticketHistory(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                      const QStringList& customerIds, const QStringList& orderNumbers, int limit)
{
    std::vector<TicketFact> tickets;
    if (customerIds.isEmpty() && orderNumbers.isEmpty())
        return tickets;
    const db::PgResult r = conn.exec(sql::kTicketHistory, db::PgParams()
                                                              .add(agent.merchantId)
                                                              .addTextArray(customerIds)
                                                              .addTextArray(orderNumbers)
                                                              .addTextArray(agent.aclTokens)
                                                              .add(limit));
    for (int i = 0; i < r.rows(); ++i) {
        TicketFact t;
        t.ticketId = r.text(i, "id");
        t.customerId = r.text(i, "customer_id");
        t.orderNumber = r.text(i, "order_number");
        t.status = r.text(i, "status");
        t.category = r.text(i, "category");
        t.createdAt = QDateTime::fromMSecsSinceEpoch(r.integer(i, "created_at"), Qt::UTC);
        t.openingMessage = r.text(i, "opening_message");
        t.lastMessage = r.text(i, "last_message");
        t.lastAuthor = r.text(i, "last_author");
        t.messageCount = static_cast<int>(r.integer(i, "message_count"));
        t.citation = QStringLiteral("[Ticket %1]").arg(t.ticketId);
        tickets.push_back(std::move(t));
    }
    return tickets;
}

} // namespace ac::agent
