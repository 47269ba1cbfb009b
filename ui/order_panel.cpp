#include "order_panel.h"

namespace ac::ui {

namespace {

QString dateCell(const std::optional<QDateTime>& when)
{
    return when ? when->toUTC().toString(QStringLiteral("ddd d MMM yyyy, HH:mm 'UTC'")) : QStringLiteral("—");
}

QString refundColour(const QString& state)
{
    if (state == QLatin1String("none"))
        return QStringLiteral("#555");
    if (state == QLatin1String("rejected"))
        return QStringLiteral("#a51d2d");
    if (state == QLatin1String("issued") || state == QLatin1String("completed"))
        return QStringLiteral("#26a269");
    return QStringLiteral("#c64600");
}

QString orderHtml(const agent::OrderFacts& o)
{
    QString items;
    for (const agent::OrderItem& i : o.items)
        items += QStringLiteral("<tr><td>%1 ×</td><td>%2</td><td style=\"color:#666\">%3</td><td align=\"right\">%4</td></tr>")
                     .arg(i.quantity)
                     .arg(i.description.toHtmlEscaped(), i.sku.toHtmlEscaped(),
                          agent::formatMoney(i.unitPriceCents, o.currency));
    return QStringLiteral(
               "<p><b>%1</b> &nbsp; <span style=\"color:#1a5fb4\">%2</span><br>"
               "%3 (%4) · total %5</p>"
               "<table cellspacing=\"2\">"
               "<tr><td><b>Status</b></td><td>%6</td></tr>"
               "<tr><td><b>Refund</b></td><td style=\"color:%7\"><b>%8</b></td></tr>"
               "<tr><td>Ordered</td><td>%9</td></tr><tr><td>Shipped</td><td>%10</td></tr>"
               "<tr><td>Delivered</td><td>%11</td></tr><tr><td>Refund requested</td><td>%12</td></tr>"
               "<tr><td>Refund issued</td><td>%13</td></tr></table>"
               "<table cellspacing=\"2\" style=\"margin-top:4px\">%14</table>")
        .arg(QStringLiteral("Order #%1").arg(o.orderNumber), o.citation.toHtmlEscaped(), o.customerName.toHtmlEscaped(),
             o.customerId.toHtmlEscaped(), agent::formatMoney(o.totalCents, o.currency), o.status.toHtmlEscaped(),
             refundColour(o.refundState), o.refundState.toHtmlEscaped(), dateCell(o.orderedAt))
        .arg(dateCell(o.shippedAt), dateCell(o.deliveredAt), dateCell(o.refundRequestedAt), dateCell(o.refundIssuedAt), items);
}

} // namespace

OrderPanel::OrderPanel(QWidget* parent) : QTextBrowser(parent)
{
    setObjectName(QStringLiteral("orderPanel"));
    setAccessibleName(tr("Order status"));
    clearOrders(tr("Orders named in the message appear here."));
}

void OrderPanel::showOrders(const std::vector<agent::OrderFacts>& orders, const QStringList& unknownOrders)
{
    QString html;
    for (const agent::OrderFacts& order : orders)
        html += orderHtml(order);
    for (const QString& missing : unknownOrders)
        html += QStringLiteral("<p style=\"color:#a51d2d\">Order #%1 is not an order of this merchant.</p>").arg(missing.toHtmlEscaped());
    if (html.isEmpty())
        html = QStringLiteral("<p style=\"color:#777\"><i>%1</i></p>").arg(tr("The message names no order."));
    setHtml(html);
}

void OrderPanel::clearOrders(const QString& placeholder)
{
    setHtml(QStringLiteral("<p style=\"color:#777\"><i>%1</i></p>").arg(placeholder.toHtmlEscaped()));
}

} // namespace ac::ui
