#pragma once

// Statements of the agent context path. Timestamps come back as epoch milliseconds.
namespace ac::agent::sql {

inline constexpr const char* kAgentById =
    "SELECT id AS agent_id, merchant_id, display_name, kind, acl_tokens FROM agents WHERE id = $1";
inline constexpr const char* kOrders =
    "SELECT o.order_number, o.customer_id, c.name AS customer_name, o.status, o.refund_state, o.total_cents, "
    "o.currency, "
    "(extract(epoch FROM o.ordered_at) * 1000)::bigint AS ordered_at, "
    "(extract(epoch FROM o.shipped_at) * 1000)::bigint AS shipped_at, "
    "(extract(epoch FROM o.delivered_at) * 1000)::bigint AS delivered_at, "
    "(extract(epoch FROM o.refund_requested_at) * 1000)::bigint AS refund_requested_at, "
    "(extract(epoch FROM o.refund_issued_at) * 1000)::bigint AS refund_issued_at "
    "FROM orders o JOIN customers c ON c.merchant_id = o.merchant_id AND c.id = o.customer_id "
    "WHERE o.merchant_id = $1 AND o.order_number = ANY($2::text[]) "
    "ORDER BY array_position($2::text[], o.order_number)";

inline constexpr const char* kOrderItems =
    "SELECT order_number, line_no, sku, description, quantity, unit_price_cents FROM order_items "
    "WHERE merchant_id = $1 AND order_number = ANY($2::text[]) ORDER BY order_number, line_no";

// Customers named by id or e-mail in the message, limited to the merchant.
inline constexpr const char* kCustomersByRef =
    "SELECT id FROM customers WHERE merchant_id = $1 AND (id = ANY($2::text[]) OR lower(email) = ANY($3::text[])) "
    "ORDER BY id";

// The customers' tickets and the tickets about the orders, that this agent may read ($4 ACL).
inline constexpr const char* kTicketHistory =
    "SELECT t.id, t.customer_id, coalesce(t.order_number, '') AS order_number, t.status, "
    "coalesce(t.category, '') AS category, (extract(epoch FROM t.created_at) * 1000)::bigint AS created_at, "
    "t.text AS opening_message, "
    "coalesce(last.body, t.text) AS last_message, coalesce(last.author, 'customer') AS last_author, "
    "greatest((SELECT count(*) FROM ticket_messages m WHERE m.ticket_id = t.id), 1) AS message_count "
    "FROM tickets t "
    "LEFT JOIN LATERAL (SELECT m.body, m.author FROM ticket_messages m WHERE m.ticket_id = t.id "
    "                   ORDER BY m.seq DESC LIMIT 1) AS last ON true "
    "WHERE t.merchant_id = $1 AND (t.customer_id = ANY($2::text[]) OR t.order_number = ANY($3::text[])) "
    "AND t.acl && $4::text[] "
    "ORDER BY t.created_at DESC, t.id "
    "LIMIT $5";

} // namespace ac::agent::sql
