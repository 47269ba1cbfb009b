#include "retrieval/vector_path.h"

#include "retrieval/query_sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ac::retrieval {

namespace {

// Policies show up as InitPlans (their identity subqueries).
bool hasInitPlan(const QJsonObject& node)
{
    if (node.value(QLatin1String("Subplan Name")).toString().startsWith(QLatin1String("InitPlan")))
        return true;
    for (const QJsonValue& child : node.value(QLatin1String("Plans")).toArray())
        if (hasInitPlan(child.toObject()))
            return true;
    return false;
}

double planRows(db::PgConnection& conn, const char* explain, const db::PgParams& params, bool& underPolicy)
{
    const db::PgResult result = conn.exec(explain, params);
    const QJsonObject plan = QJsonDocument::fromJson(result.bytes(0, 0)).array().first().toObject()
                                 .value(QLatin1String("Plan")).toObject();
    underPolicy = underPolicy || hasInitPlan(plan);
    return plan.value(QLatin1String("Plan Rows")).toDouble();
}

} // namespace

PathEstimates estimatePath(db::PgConnection& conn, const LegScope& scope)
{
    PathEstimates e;
    const db::PgParams merchant = db::PgParams().add(scope.merchantId);
    const double partition = std::max(1.0, planRows(conn, sql::kEstimatePartition, merchant, e.underPolicy));
    const double authorised = planRows(
        conn, sql::kEstimateAuthorised,
        db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens), e.underPolicy);
    const double version = planRows(conn, sql::kEstimateMerchant,
                                    db::PgParams().add(scope.merchantId).add(scope.corpusVersion), e.underPolicy);
    const db::PgResult size = conn.exec(sql::kPartitionSize, merchant);
    e.table = size.empty() || size.isNull(0, 0) ? 0 : std::max<qint64>(0, size.integer(0, 0));
    // The same policy selectivities scale all three plans; their ratios do not depend on them.
    e.merchant = qRound64(e.table * std::min(1.0, version / partition));
    e.authorised = qRound64(e.table * std::min(1.0, authorised / partition));
    return e;
}

PathDecision chooseVectorPath(const PathEstimates& e, const RetrievalOptions& options, int limit)
{
    using VP = RetrievalOptions::VectorPath;
    if (options.vectorPath == VP::Exact)
        return {true, QStringLiteral("exact scan requested")};
    if (options.vectorPath == VP::Hnsw)
        return {false, QStringLiteral("HNSW requested")};
    // The threshold guards filtered searches, which can wander when the filter correlates with the
    // query; an agent who may read the whole partition searches its graph unfiltered.
    const bool filtered = e.authorised < e.table;
    if (filtered && e.authorised <= options.exactScanThreshold)
        return {true, QStringLiteral("about %1 authorised rows (<= %2): exact scan")
                          .arg(e.authorised).arg(options.exactScanThreshold)};
    // The merchant's partition has its own graph (all its corpus versions); to collect `limit`
    // passing rows the scan visits about limit / selectivity tuples, never fewer than ef_search.
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
