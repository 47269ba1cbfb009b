#include "retrieval/vector_path.h"

#include "retrieval/query_sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ac::retrieval {

namespace {

// A row-level security policy's `acl && (SELECT ...)` is unknown at plan time, so the planner gives
// it PostgreSQL's default overlap selectivity (DEFAULT_SEL for && in array_selfuncs.c) and every
// estimate under the policy comes out that much too small. Policies show up as InitPlans here.
constexpr double kPolicyOverlapSelectivity = 0.01;

bool hasInitPlan(const QJsonObject& node)
{
    if (node.value(QLatin1String("Subplan Name")).toString().startsWith(QLatin1String("InitPlan")))
        return true;
    for (const QJsonValue& child : node.value(QLatin1String("Plans")).toArray())
        if (hasInitPlan(child.toObject()))
            return true;
    return false;
}

qint64 planRows(db::PgConnection& conn, const char* explain, const db::PgParams& params, bool& underPolicy)
{
    const db::PgResult result = conn.exec(explain, params);
    const QJsonObject plan = QJsonDocument::fromJson(result.bytes(0, 0)).array().first().toObject()
                                 .value(QLatin1String("Plan")).toObject();
    const double rows = plan.value(QLatin1String("Plan Rows")).toDouble();
    underPolicy = underPolicy || hasInitPlan(plan);
    return static_cast<qint64>(hasInitPlan(plan) ? rows / kPolicyOverlapSelectivity : rows);
}

} // namespace

PathEstimates estimatePath(db::PgConnection& conn, const LegScope& scope)
{
    PathEstimates e;
    e.authorised = planRows(conn, sql::kEstimateAuthorised,
                            db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens),
                            e.underPolicy);
    e.merchant = planRows(conn, sql::kEstimateMerchant, db::PgParams().add(scope.merchantId).add(scope.corpusVersion),
                          e.underPolicy);
    const db::PgResult size = conn.exec(sql::kTableSize);
    e.table = size.empty() ? 0 : size.integer(0, 0);
    e.table = std::max({e.table, e.merchant, e.authorised});
    return e;
}

PathDecision chooseVectorPath(const PathEstimates& e, const RetrievalOptions& options, int limit)
{
    using VP = RetrievalOptions::VectorPath;
    if (options.vectorPath == VP::Exact)
        return {true, QStringLiteral("exact scan requested")};
    if (options.vectorPath == VP::Hnsw)
        return {false, QStringLiteral("HNSW requested")};
    if (e.authorised <= options.exactScanThreshold)
        return {true, QStringLiteral("about %1 authorised rows (<= %2): exact scan")
                          .arg(e.authorised).arg(options.exactScanThreshold)};
    // The graph holds every merchant's rows; to collect `limit` passing rows the scan visits about
    // limit / selectivity tuples, never fewer than ef_search.
    const double selectivity = static_cast<double>(e.authorised) / static_cast<double>(std::max<qint64>(e.table, 1));
    const double visits = std::max<double>(options.efSearch, limit / std::max(selectivity, 1e-9));
    const double budget = options.iterativeScan ? options.maxScanTuples : options.efSearch;
    if (visits > budget)
        return {true, QStringLiteral("filter keeps %1% of the index; HNSW would visit ~%2 tuples (> %3): exact scan")
                          .arg(selectivity * 100, 0, 'f', 2).arg(qRound64(visits)).arg(budget)};
    if (e.authorised <= kHnswVisitCostInExactRows * visits)
        return {true, QStringLiteral("filter keeps %1% of the index: ~%2 HNSW visits cost more than scanning %3 rows")
                          .arg(selectivity * 100, 0, 'f', 2).arg(qRound64(visits)).arg(e.authorised)};
    return {false, QStringLiteral("about %1 authorised rows, %2% of the index, ~%3 HNSW visits: HNSW")
                       .arg(e.authorised).arg(selectivity * 100, 0, 'f', 2).arg(qRound64(visits))};
}

} // namespace ac::retrieval
