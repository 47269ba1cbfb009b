#include "retrieval/acl_graphs.h"

#include "retrieval/query_sql.h"
#include "retrieval/retriever.h"

namespace ac::retrieval {

namespace {

constexpr const char* kTokenRows =
    "SELECT t.token, count(*) AS rows, max(v.total) AS total "
    "FROM corpus_versions cv "
    "CROSS JOIN LATERAL (SELECT count(*) AS total FROM chunks c "
    "                    WHERE c.merchant_id = cv.merchant_id AND c.corpus_version = cv.version) AS v "
    "JOIN chunks c ON c.merchant_id = cv.merchant_id AND c.corpus_version = cv.version "
    "CROSS JOIN LATERAL unnest(c.acl) AS t(token) "
    "WHERE cv.merchant_id = $1 AND cv.state = 'live' "
    "GROUP BY t.token ORDER BY rows DESC, t.token";
// For the dimensions of the live version (a merchant without one gets a graph of 1536).
constexpr const char* kCreateAclGraph =
    "SELECT app.create_acl_graph($1, $2, coalesce((SELECT embedding_dims FROM corpus_versions "
    "                                              WHERE merchant_id = $1 AND state = 'live'), 1536))";
constexpr const char* kMerchantPartition = "SELECT to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name($1)))";

} // namespace

QStringList aclGraphsFor(db::PgConnection& conn, const LegScope& scope)
{
    const db::PgResult r = conn.exec(sql::kAclGraphs, db::PgParams().add(scope.merchantId).add(scope.corpusVersion)
                                                        .addTextArray(scope.aclTokens));
    return r.empty() || r.isNull(0, 0) ? QStringList() : r.textArray(0, 0);
}

std::vector<AclTokenRows> aclTokenRows(db::PgConnection& conn, const QString& merchantId, qint64& total)
{
    const db::PgResult r = conn.exec(kTokenRows, db::PgParams().add(merchantId));
    std::vector<AclTokenRows> out;
    total = 0;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({r.text(i, "token"), r.integer(i, "rows")});
        total = r.integer(i, "total");
    }
    return out;
}

QStringList chooseAclGraphTokens(const std::vector<AclTokenRows>& rows, qint64 total, qint64 minRows, double maxShare)
{
    QStringList tokens;
    for (const AclTokenRows& r : rows)
        if (r.rows >= minRows && total > 0 && static_cast<double>(r.rows) / static_cast<double>(total) <= maxShare)
            tokens << r.token;
    return tokens;
}

void requireMerchantPartition(db::PgConnection& conn, const QString& merchantId)
{
    if (conn.exec(kMerchantPartition, db::PgParams().add(merchantId)).isNull(0, 0))
        throw RetrievalError(QStringLiteral("unknown merchant %1 (it has no chunks partition)").arg(merchantId));
}

QString createAclGraph(db::PgConnection& conn, const QString& merchantId, const QString& token)
{
    if (token.trimmed().isEmpty())
        throw RetrievalError(QStringLiteral("an ACL token must not be empty"));
    requireMerchantPartition(conn, merchantId);
    return conn.exec(kCreateAclGraph, db::PgParams().add(merchantId).add(token)).text(0, 0);
}

} // namespace ac::retrieval
