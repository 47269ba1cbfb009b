#include "agent/context_pack.h"

#include "retrieval/result_json.h"

namespace ac::agent {

namespace {

QJsonValue dateJson(const std::optional<QDateTime>& when)
{
    return when ? QJsonValue(when->toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

QString dateText(const std::optional<QDateTime>& when)
{
    return when ? when->toUTC().toString(QStringLiteral("yyyy-MM-dd")) : QString();
}

QJsonObject orderToJson(const OrderFacts& o)
{
    QJsonArray items;
    for (const OrderItem& i : o.items)
        items.append(QJsonObject{{QStringLiteral("line_no"), i.lineNo},
                                 {QStringLiteral("sku"), i.sku},
                                 {QStringLiteral("description"), i.description},
                                 {QStringLiteral("quantity"), i.quantity},
                                 {QStringLiteral("unit_price_cents"), i.unitPriceCents}});
    return QJsonObject{
        {QStringLiteral("citation"), o.citation},
        {QStringLiteral("order_number"), o.orderNumber},
        {QStringLiteral("customer_id"), o.customerId},
        {QStringLiteral("customer_name"), o.customerName},
        {QStringLiteral("status"), o.status},
        {QStringLiteral("refund_state"), o.refundState},
        {QStringLiteral("total_cents"), o.totalCents},
        {QStringLiteral("currency"), o.currency},
        {QStringLiteral("ordered_at"), dateJson(o.orderedAt)},
        {QStringLiteral("shipped_at"), dateJson(o.shippedAt)},
        {QStringLiteral("delivered_at"), dateJson(o.deliveredAt)},
        {QStringLiteral("refund_requested_at"), dateJson(o.refundRequestedAt)},
        {QStringLiteral("refund_issued_at"), dateJson(o.refundIssuedAt)},
        {QStringLiteral("items"), items},
    };
}

QJsonObject ticketToJson(const TicketFact& t)
{
    return QJsonObject{
        {QStringLiteral("citation"), t.citation},
        {QStringLiteral("ticket_id"), t.ticketId},
        {QStringLiteral("customer_id"), t.customerId},
        {QStringLiteral("order_number"), t.orderNumber.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(t.orderNumber)},
        {QStringLiteral("status"), t.status},
        {QStringLiteral("category"), t.category},
        {QStringLiteral("created_at"), dateJson(t.createdAt)},
        {QStringLiteral("opening_message"), t.openingMessage},
        {QStringLiteral("last_message"), t.lastMessage},
        {QStringLiteral("last_author"), t.lastAuthor},
        {QStringLiteral("message_count"), t.messageCount},
    };
}

QString orderLine(const OrderFacts& o)
{
    QStringList facts;
    facts << QStringLiteral("Order #%1 for customer %2 (%3): status %4, refund %5, total %6")
                 .arg(o.orderNumber, o.customerName, o.customerId, o.status, o.refundState,
                      formatMoney(o.totalCents, o.currency));
    const std::pair<const char*, const std::optional<QDateTime>*> dates[] = {
        {"ordered", &o.orderedAt}, {"shipped", &o.shippedAt}, {"delivered", &o.deliveredAt},
        {"refund requested", &o.refundRequestedAt}, {"refund issued", &o.refundIssuedAt}};
    for (const auto& [label, when] : dates)
        if (*when)
            facts << QStringLiteral("%1 %2").arg(QLatin1String(label), dateText(*when));
    QStringList items;
    for (const OrderItem& i : o.items)
        items << QStringLiteral("%1 x %2 (%3) at %4").arg(i.quantity).arg(i.description, i.sku,
                                                             formatMoney(i.unitPriceCents, o.currency));
    if (!items.isEmpty())
        facts << QStringLiteral("items: %1").arg(items.join(QLatin1String("; ")));
    return QStringLiteral("- %1 %2.").arg(o.citation, facts.join(QLatin1String(", ")));
}

} // namespace

QString formatMoney(qint64 cents, const QString& currency)
{
    const QString sign = cents < 0 ? QStringLiteral("-") : QString();
    const qint64 abs = cents < 0 ? -cents : cents;
    return QStringLiteral("%1%2.%3 %4").arg(sign).arg(abs / 100).arg(abs % 100, 2, 10, QLatin1Char('0')).arg(currency);
}

QJsonObject contextPackToJson(const ContextPack& pack)
{
    QJsonArray orders;
    for (const OrderFacts& o : pack.orders)
        orders.append(orderToJson(o));
    QJsonArray tickets;
    for (const TicketFact& t : pack.tickets)
        tickets.append(ticketToJson(t));
    QJsonArray chunks;
    for (const retrieval::RetrievedChunk& c : pack.chunks)
        chunks.append(retrieval::chunkToJson(c));
    QJsonObject timings;
    for (const retrieval::StageTiming& t : pack.timings)
        timings.insert(t.stage, t.ms);
    return QJsonObject{
        {QStringLiteral("message"), pack.message},
        {QStringLiteral("merchant_id"), pack.agent.merchantId},
        {QStringLiteral("agent_id"), pack.agent.agentId},
        {QStringLiteral("extracted"), QJsonObject{
             {QStringLiteral("order_numbers"), QJsonArray::fromStringList(pack.parsed.orderNumbers)},
             {QStringLiteral("emails"), QJsonArray::fromStringList(pack.parsed.emails)},
             {QStringLiteral("customer_ids"), QJsonArray::fromStringList(pack.parsed.customerIds)},
             {QStringLiteral("product_codes"), QJsonArray::fromStringList(pack.parsed.productCodes)}}},
        {QStringLiteral("customer_ids"), QJsonArray::fromStringList(pack.customerIds)},
        {QStringLiteral("orders"), orders},
        {QStringLiteral("unknown_orders"), QJsonArray::fromStringList(pack.unknownOrders)},
        {QStringLiteral("tickets"), tickets},
        {QStringLiteral("chunks"), chunks},
        {QStringLiteral("retrieval"), retrieval::diagnosticsToJson(pack.retrieval)},
        {QStringLiteral("timings_ms"), timings},
        {QStringLiteral("total_ms"), pack.totalMs},
    };
}

QString contextPackToText(const ContextPack& pack)
{
    QStringList out;
    out << QStringLiteral("# Customer message") << pack.message.trimmed() << QString();

    out << QStringLiteral("# Order facts");
    for (const OrderFacts& o : pack.orders)
        out << orderLine(o);
    for (const QString& missing : pack.unknownOrders)
        out << QStringLiteral("- Order #%1 was mentioned but does not exist at this merchant.").arg(missing);
    if (pack.orders.empty() && pack.unknownOrders.isEmpty())
        out << QStringLiteral("- No order number in the message.");
    out << QString();

    out << QStringLiteral("# Customer ticket history");
    for (const TicketFact& t : pack.tickets) {
        QString line = QStringLiteral("- %1 %2, %3, opened %4").arg(t.citation, t.status, t.category, dateText(t.createdAt));
        if (!t.orderNumber.isEmpty())
            line += QStringLiteral(", order #%1").arg(t.orderNumber);
        line += QStringLiteral(": \"%1\"").arg(t.openingMessage);
        if (t.messageCount > 1)
            line += QStringLiteral(" Latest (%1): \"%2\"").arg(t.lastAuthor, t.lastMessage);
        out << line;
    }
    if (pack.tickets.empty())
        out << QStringLiteral("- No earlier tickets visible to this agent.");
    out << QString();

    out << QStringLiteral("# Knowledge (most relevant first)");
    for (const retrieval::RetrievedChunk& c : pack.chunks)
        out << QStringLiteral("%1. %2 %3").arg(c.rank).arg(c.citation, c.text.simplified());
    if (pack.chunks.empty())
        out << QStringLiteral("- Nothing relevant found.");
    out << QString() << QStringLiteral("Cite the bracketed sources for every fact you use.");
    return out.join(QLatin1Char('\n'));
}

} // namespace ac::agent
