#include "source_loader.h"

#include "db/db_error.h"

namespace ac::ui {

namespace {

constexpr const char* kDocument = R"sql(
SELECT title, full_text, acl FROM support_documents
WHERE id = $1 AND merchant_id = $2 AND acl && $3::text[])sql";

constexpr const char* kTicket = R"sql(
SELECT t.status, t.acl, coalesce(c.name, t.customer_id), coalesce(t.order_number, '')
FROM tickets t LEFT JOIN customers c ON c.merchant_id = t.merchant_id AND c.id = t.customer_id
WHERE t.id = $1 AND t.merchant_id = $2 AND t.acl && $3::text[])sql";

constexpr const char* kTicketMessages = R"sql(
SELECT author, body, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM ticket_messages
WHERE ticket_id = $1 ORDER BY seq)sql";

db::PgParams sourceParams(const QString& id, const retrieval::AgentIdentity& agent)
{
    db::PgParams params;
    params.add(id).add(agent.merchantId).addTextArray(agent.aclTokens);
    return params;
}

[[noreturn]] void notVisible(const QString& sourceId)
{
    throw db::DbError(QStringLiteral("%1 does not exist or this agent may not read it").arg(sourceId),
                      QString::fromLatin1(db::sqlstate::kInsufficientPrivilege));
}

} // namespace

SourceDocument loadSourceDocument(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                  const QString& sourceType, const QString& sourceId)
{
    SourceDocument doc;
    doc.sourceType = sourceType;
    doc.sourceId = sourceId;
    if (sourceType == QLatin1String("document")) {
        const db::PgResult row = conn.exec(kDocument, sourceParams(sourceId, agent));
        if (row.empty())
            notVisible(sourceId);
        doc.title = row.text(0, 0);
        doc.body = row.text(0, 1);
        doc.acl = row.textArray(0, 2);
        return doc;
    }
    const db::PgResult ticket = conn.exec(kTicket, sourceParams(sourceId, agent));
    if (ticket.empty())
        notVisible(sourceId);
    doc.status = ticket.text(0, 0);
    doc.acl = ticket.textArray(0, 1);
    doc.title = QStringLiteral("Ticket %1 from %2").arg(sourceId, ticket.text(0, 2));
    if (!ticket.text(0, 3).isEmpty())
        doc.title += QStringLiteral(", order #%1").arg(ticket.text(0, 3));
    const db::PgResult messages = conn.exec(kTicketMessages, db::PgParams().add(sourceId));
    QStringList turns;
    for (int r = 0; r < messages.rows(); ++r)
        turns << QStringLiteral("%1 (%2):\n%3").arg(messages.text(r, 0), messages.text(r, 2), messages.text(r, 1));
    doc.body = turns.join(QStringLiteral("\n\n"));
    return doc;
}

} // namespace ac::ui
