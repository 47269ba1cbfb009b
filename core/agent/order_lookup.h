#pragma once

#include "agent/context_pack.h"
#include "db/pg_connection.h"

namespace ac::agent {

// The order facts (status, dates, refund state, items) for order numbers at one merchant, in the
// order they were asked for; numbers the merchant does not have are simply absent.
std::vector<OrderFacts> lookupOrders(db::PgConnection& conn, const QString& merchantId, const QStringList& orderNumbers);

// Customer ids at the merchant named directly or by e-mail.
QStringList resolveCustomers(db::PgConnection& conn, const QString& merchantId, const QStringList& customerIds,
                             const QStringList& emails);

} // namespace ac::agent
