#include "agent/context_pack_builder.h"

#include "agent/order_lookup.h"
#include "agent/ticket_history.h"
#include "retrieval/retriever.h"

#include <QElapsedTimer>

#include <algorithm>

namespace ac::agent {

ContextPack ContextPackBuilder::build(const retrieval::AgentIdentity& agent, const QString& message,
                                      const retrieval::RetrievalOptions& options)
{
    ContextPack pack;
    pack.message = message;
    pack.agent = agent;
    QElapsedTimer total, stage;
    total.start();
    stage.start();
    const auto lap = [&](const char* name) {
        pack.timings.push_back({QString::fromLatin1(name), stage.nsecsElapsed() / 1e6});
        stage.restart();
    };

    pack.parsed = parseCustomerMessage(message);
    lap("parse");

    pack.orders = lookupOrders(conn_, agent.merchantId, pack.parsed.orderNumbers);
    for (const QString& number : pack.parsed.orderNumbers) {
        const bool found = std::any_of(pack.orders.begin(), pack.orders.end(),
                                       [&](const OrderFacts& o) { return o.orderNumber == number; });
        if (!found)
            pack.unknownOrders << number;
    }
    pack.customerIds = resolveCustomers(conn_, agent.merchantId, pack.parsed.customerIds, pack.parsed.emails);
    for (const OrderFacts& o : pack.orders)
        if (!pack.customerIds.contains(o.customerId))
            pack.customerIds << o.customerId;
    lap("orders");

    QStringList knownOrders;
    for (const OrderFacts& o : pack.orders)
        knownOrders << o.orderNumber;
    pack.tickets = ticketHistory(conn_, agent, pack.customerIds, knownOrders);
    lap("tickets");

    retrieval::Retriever retriever = embedder_ ? retrieval::Retriever(conn_, *embedder_, reranker_)
                                               : retrieval::Retriever(conn_, reranker_);
    retriever.setSideSession(side_);
    retriever.setAuditSession(audit_);
    if (estimates_)
        retriever.setEstimateCache(estimates_);
    retrieval::RetrievalResult result = retriever.retrieve({agent, message, options});
    pack.chunks = std::move(result.chunks);
    pack.retrieval = std::move(result.diagnostics);
    pack.plans = std::move(result.plans);
    pack.planJson = std::move(result.planJson);
    lap("retrieve");

    pack.totalMs = total.nsecsElapsed() / 1e6;
    return pack;
}

} // namespace ac::agent
