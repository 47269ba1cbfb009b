#pragma once

#include "agent/message_parser.h"
#include "retrieval/retrieval_types.h"

#include <QDateTime>

#include <optional>
#include <vector>

namespace ac::agent {

struct OrderItem {
    int lineNo = 0;
    QString sku;
    QString description;
    int quantity = 0;
    qint64 unitPriceCents = 0;
};

// The transactional facts about one order, as the orders tables hold them.
struct OrderFacts {
    QString orderNumber;
    QString customerId;
    QString customerName;
    QString status;       // placed | paid | shipped | delivered | cancelled | returned
    QString refundState;  // none | requested | approved | issued | completed | rejected
    qint64 totalCents = 0;
    QString currency;
    std::optional<QDateTime> orderedAt;
    std::optional<QDateTime> shippedAt;
    std::optional<QDateTime> deliveredAt;
    std::optional<QDateTime> refundRequestedAt;
    std::optional<QDateTime> refundIssuedAt;
    std::vector<OrderItem> items;
    QString citation;     // "[Order #4821]"
};

// One ticket of the customer's history that this agent may read.
struct TicketFact {
    QString ticketId;
    QString customerId;
    QString orderNumber;
    QString status;
    QString category;
    std::optional<QDateTime> createdAt;
    QString openingMessage;  // the customer's first message
    QString lastMessage;     // the latest turn, by either side
    QString lastAuthor;
    int messageCount = 0;
    QString citation;        // "[Ticket t1]"
};

struct ContextPack {
    QString message;                               // the customer's message as pasted
    retrieval::AgentIdentity agent;
    ParsedMessage parsed;
    QStringList customerIds;                       // resolved: named, by email, or owning an order
    std::vector<OrderFacts> orders;
    QStringList unknownOrders;                     // mentioned but not found at this merchant
    std::vector<TicketFact> tickets;
    std::vector<retrieval::RetrievedChunk> chunks; // the top chunks, in rank order
    retrieval::Diagnostics retrieval;
    std::vector<retrieval::StageTiming> timings;   // "parse", "orders", "tickets", "retrieve"
    double totalMs = 0.0;
    std::vector<retrieval::QueryPlan> plans;       // the retrieval's EXPLAIN plans, when it captured them
    std::optional<QJsonObject> planJson;           // (developer views only; not part of the renderings)
};

// The LLM-ready renderings: every fact carries its citation, chunks stay in rank order.
QJsonObject contextPackToJson(const ContextPack& pack);
QString contextPackToText(const ContextPack& pack);

QString formatMoney(qint64 cents, const QString& currency);

} // namespace ac::agent
