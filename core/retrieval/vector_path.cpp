#include "retrieval/vector_path.h"

#include "retrieval/query_sql.h"

#include <algorithm>

namespace ac::retrieval {

PathEstimates estimatePath(db::PgConnection& conn, const LegScope& scope)
{
    const db::PgResult r = conn.exec(
        sql::kPathEstimates, db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens));
    PathEstimates e;
    const double partition = std::max(1.0, r.real(0, "partition_rows"));
    e.table = r.integer(0, "table_rows");
    e.underPolicy = r.boolean(0, "under_policy");
    // The same policy selectivities scale all three plans; their ratios do not depend on them.
    e.merchant = qRound64(e.table * std::min(1.0, r.real(0, "version_rows") / partition));
    e.authorised = qRound64(e.table * std::min(1.0, r.real(0, "authorised_rows") / partition));
    return e;
}

PathEstimates PathEstimateCache::estimates(db::PgConnection& conn, const LegScope& scope, bool& reused)
{
    QStringList tokens = scope.aclTokens;
    tokens.sort();
    const QString key = QStringList{scope.merchantId, QString::number(scope.corpusVersion), tokens.join(QChar(0x1f))}
                            .join(QChar(0x1e));
    const auto found = entries_.find(key);
    reused = found != entries_.end() && !found->second.expires.hasExpired();
    if (reused)
        return found->second.estimates;
    if (entries_.size() >= 4096)
        entries_.clear();
    const PathEstimates fresh = estimatePath(conn, scope);
    entries_[key] = {fresh, QDeadlineTimer(kTtlMs)};
    return fresh;
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
