#include "console_backend.h"

#include "agent/order_lookup.h"
#include "agent/ticket_history.h"
#include "ingest/embedder_factory.h"
#include "retrieval/retriever.h"

#include <QElapsedTimer>

#include <algorithm>

namespace ac::ui {

namespace {

// The context pack as agent::ContextPackBuilder assembles it, composed from the same core calls
// so the developer pane also gets the EXPLAIN plans the retriever captured (ContextPack drops them).
class CoreBackend : public ConsoleBackend {
public:
    CoreBackend() : embedder_(ingest::makeEmbedder(ingest::EmbedderConfig::fromEnvironment())) {}

    AskAnswer ask(db::PgConnection& conn, const retrieval::AgentIdentity& agent, const QString& message,
                  const retrieval::RetrievalOptions& options) override
    {
        AskAnswer answer;
        agent::ContextPack& pack = answer.pack;
        pack.message = message;
        pack.agent = agent;
        QElapsedTimer total, stage;
        total.start();
        stage.start();
        const auto lap = [&](const char* name) {
            pack.timings.push_back({QString::fromLatin1(name), static_cast<double>(stage.nsecsElapsed()) / 1e6});
            stage.restart();
        };

        pack.parsed = agent::parseCustomerMessage(message);
        lap("parse");
        pack.orders = agent::lookupOrders(conn, agent.merchantId, pack.parsed.orderNumbers);
        for (const QString& number : pack.parsed.orderNumbers)
            if (std::none_of(pack.orders.begin(), pack.orders.end(), [&](const agent::OrderFacts& o) { return o.orderNumber == number; }))
                pack.unknownOrders << number;
        pack.customerIds = agent::resolveCustomers(conn, agent.merchantId, pack.parsed.customerIds, pack.parsed.emails);
        QStringList knownOrders;
        for (const agent::OrderFacts& o : pack.orders) {
            knownOrders << o.orderNumber;
            if (!pack.customerIds.contains(o.customerId))
                pack.customerIds << o.customerId;
        }
        lap("orders");
        pack.tickets = agent::ticketHistory(conn, agent, pack.customerIds, knownOrders);
        lap("tickets");

        retrieval::Retriever retriever(conn, *embedder_);
        retrieval::RetrievalResult result = retriever.retrieve({agent, message, options});
        pack.chunks = std::move(result.chunks);
        pack.retrieval = std::move(result.diagnostics);
        answer.plans = std::move(result.plans);
        answer.planJson = std::move(result.planJson);
        lap("retrieve");
        pack.totalMs = static_cast<double>(total.nsecsElapsed()) / 1e6;
        return answer;
    }

private:
    std::unique_ptr<ingest::Embedder> embedder_;
};

} // namespace

std::unique_ptr<ConsoleBackend> makeCoreBackend()
{
    return std::make_unique<CoreBackend>();
}

} // namespace ac::ui
