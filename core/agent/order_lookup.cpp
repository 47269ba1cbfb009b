#include "agent/order_lookup.h"

#include "agent/agent_sql.h"

#include <QHash>

namespace ac::agent {

namespace {

std::optional<QDateTime> epochMs(const db::PgResult& r, int row, const char* column)
{
    if (r.isNull(row, column))
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(r.integer(row, column), Qt::UTC);
}

} // namespace

std::vector<OrderFacts> lookupOrders(db::PgConnection& conn, const QString& merchantId, const QStringList& orderNumbers)
{
    std::vector<OrderFacts> orders;
    if (orderNumbers.isEmpty())
        return orders;
    const db::PgParams params = db::PgParams().add(merchantId).addTextArray(orderNumbers);
    const db::PgResult r = conn.exec(sql::kOrders, params);
    QHash<QString, size_t> index;
    for (int i = 0; i < r.rows(); ++i) {
        OrderFacts o;
        o.orderNumber = r.text(i, "order_number");
        o.customerId = r.text(i, "customer_id");
        o.customerName = r.text(i, "customer_name");
        o.status = r.text(i, "status");
        o.refundState = r.text(i, "refund_state");
        o.totalCents = r.integer(i, "total_cents");
        o.currency = r.text(i, "currency");
        o.orderedAt = epochMs(r, i, "ordered_at");
        o.shippedAt = epochMs(r, i, "shipped_at");
        o.deliveredAt = epochMs(r, i, "delivered_at");
        o.refundRequestedAt = epochMs(r, i, "refund_requested_at");
        o.refundIssuedAt = epochMs(r, i, "refund_issued_at");
        o.citation = QStringLiteral("[Order #%1]").arg(o.orderNumber);
        index.insert(o.orderNumber, orders.size());
        orders.push_back(std::move(o));
    }
    const db::PgResult items = conn.exec(sql::kOrderItems, params);
    for (int i = 0; i < items.rows(); ++i) {
        const auto found = index.constFind(items.text(i, "order_number"));
        if (found == index.constEnd())
            continue;
        orders[*found].items.push_back({static_cast<int>(items.integer(i, "line_no")), items.text(i, "sku"),
                                        items.text(i, "description"), static_cast<int>(items.integer(i, "quantity")),
                                        items.integer(i, "unit_price_cents")});
    }
    return orders;
}

QStringList resolveCustomers(db::PgConnection& conn, const QString& merchantId, const QStringList& customerIds,
                             const QStringList& emails)
{
    if (customerIds.isEmpty() && emails.isEmpty())
        return {};
    QStringList lowered;
    for (const QString& e : emails)
        lowered << e.toLower();
    const db::PgResult r = conn.exec(sql::kCustomersByRef,
                                     db::PgParams().add(merchantId).addTextArray(customerIds).addTextArray(lowered));
    QStringList out;
    for (int i = 0; i < r.rows(); ++i)
        out << r.text(i, 0);
    return out;
}

} // namespace ac::agent
