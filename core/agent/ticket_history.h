#pragma once

#include "agent/context_pack.h"
#include "db/pg_connection.h"

namespace ac::agent {

// Tickets of these customers or about these orders at the merchant, newest first, restricted in
// the SQL to tickets whose acl overlaps the agent's tokens.
std::vector<TicketFact> ticketHistory(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                      const QStringList& customerIds, const QStringList& orderNumbers, int limit = 10);

} // namespace ac::agent
