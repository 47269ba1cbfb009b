#include "retrieval/vector_leg.h"

#include "retrieval/query_sql.h"

#include <QSet>

#include <algorithm>

namespace ac::retrieval {

LegQuery vectorLegQuery(const LegScope& scope, std::span<const float> embedding, const VectorLegSettings& s)
{
    LegQuery q;
    q.leg = QStringLiteral("vector");
    q.sql = s.exact ? QString::fromLatin1(sql::kVectorLegExact)
                    : QString::fromLatin1(sql::kVectorLegGraph).arg(scope.dims);
    q.explainSql = s.exact ? sql::kExplainVectorLegExact : nullptr;
    q.params.add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens).add(s.limit).addVector(embedding);
    const auto on = [](bool b) { return b ? QStringLiteral("on") : QStringLiteral("off"); };
    q.settings = {
        // The exact path reads the merchant's partition, by a scan or through an index, whichever
        // the planner finds cheaper; the HNSW path must use the graph.
        {QStringLiteral("enable_seqscan"), on(s.exact)},
        {QStringLiteral("enable_indexscan"), on(!s.exact)},
        {QStringLiteral("enable_bitmapscan"), on(s.exact)},
        {QStringLiteral("enable_sort"), on(s.exact)},
    };
    if (!s.exact) {
        q.settings.emplace_back(QStringLiteral("hnsw.ef_search"), QString::number(s.efSearch));
        q.settings.emplace_back(QStringLiteral("hnsw.iterative_scan"),
                                s.iterativeScan ? QStringLiteral("relaxed_order") : QStringLiteral("off"));
        q.settings.emplace_back(QStringLiteral("hnsw.max_scan_tuples"), QString::number(s.maxScanTuples));
    }
    return q;
}

LegQuery aclGraphLegQuery(const LegScope& scope, std::span<const float> embedding, const VectorLegSettings& settings,
                          const QString& token)
{
    VectorLegSettings hnsw = settings;
    hnsw.exact = false;
    LegQuery q = vectorLegQuery(scope, embedding, hnsw);
    q.leg = QStringLiteral("vector_acl:%1").arg(token);
    q.sql = QString::fromLatin1(sql::kVectorLegAclGraph).arg(scope.dims);
    q.params.add(token);
    return q;
}

std::vector<RetrievedChunk> mergeByDistance(std::vector<std::vector<RetrievedChunk>> legs, int limit)
{
    std::vector<RetrievedChunk> all;
    for (auto& leg : legs)
        for (RetrievedChunk& c : leg)
            all.push_back(std::move(c));
    std::stable_sort(all.begin(), all.end(), [](const RetrievedChunk& a, const RetrievedChunk& b) {
        return a.scores.vectorSimilarity.value_or(-2) > b.scores.vectorSimilarity.value_or(-2);
    });
    std::vector<RetrievedChunk> out;
    QSet<qint64> seen;
    for (RetrievedChunk& c : all) {
        if (static_cast<int>(out.size()) >= limit)
            break;
        if (!seen.contains(c.chunkId)) {
            seen.insert(c.chunkId);
            out.push_back(std::move(c));
        }
    }
    return out;
}

std::vector<RetrievedChunk> mergeLexicalSeeds(std::vector<RetrievedChunk> graphHits,
                                              const std::vector<RetrievedChunk>& lexicalHits,
                                              const std::unordered_map<qint64, double>& distances, int limit)
{
    std::vector<RetrievedChunk> seeds;
    for (const RetrievedChunk& hit : lexicalHits) {
        const auto found = distances.find(hit.chunkId);
        if (found == distances.end())
            continue;
        RetrievedChunk seed = hit;
        seed.scores = Scores{};
        seed.scores.vectorSimilarity = 1.0 - found->second;
        seeds.push_back(std::move(seed));
    }
    std::vector<std::vector<RetrievedChunk>> legs;
    legs.push_back(std::move(graphHits));
    legs.push_back(std::move(seeds));
    return mergeByDistance(std::move(legs), limit);
}

std::vector<RetrievedChunk> runVectorLeg(db::PgConnection& conn, const LegQuery& query)
{
    auto rows = runLeg(conn, query, "distance");
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    std::vector<RetrievedChunk> out;
    out.reserve(rows.size());
    for (auto& [chunk, distance] : rows) {
        chunk.scores.vectorSimilarity = 1.0 - distance;
        out.push_back(std::move(chunk));
    }
    return out;
}

} // namespace ac::retrieval
