#pragma once

#include "db/pg_connection.h"
#include "retrieval/leg_query.h"

#include <vector>

namespace ac::retrieval {

// ACL-scoped graphs (migration 009): partial HNSW indexes on a merchant's partition, one per common
// ACL token, for agents who may read only part of a large tenant.

// The agent's tokens whose graphs together hold every row it may read in the version; empty when
// there are none or they leave some of its rows out (then the merchant's graph serves).
QStringList aclGraphsFor(db::PgConnection& conn, const LegScope& scope);

struct AclTokenRows {
    QString token;
    qint64 rows = 0;
};

// How many rows of the merchant's live version carry each ACL token, most first; `total` gets the
// version's row count.
std::vector<AclTokenRows> aclTokenRows(db::PgConnection& conn, const QString& merchantId, qint64& total);

// Tokens worth a graph: at least `minRows` rows (a smaller set is scanned exactly anyway) and at
// most `maxShare` of the tenant (an agent holding such a token reads most of the tenant, for which
// the merchant's graph is as good).
QStringList chooseAclGraphTokens(const std::vector<AclTokenRows>& rows, qint64 total, qint64 minRows, double maxShare);

// Throws RetrievalError when the merchant has no partition (no such merchant).
void requireMerchantPartition(db::PgConnection& conn, const QString& merchantId);

// Builds the graph (if missing) and returns its index name; RetrievalError for an empty token or
// an unknown merchant. Owner only; takes as long as an HNSW
// build over the token's rows.
QString createAclGraph(db::PgConnection& conn, const QString& merchantId, const QString& token);

} // namespace ac::retrieval
