#include "retrieval/recall_probe.h"

#include "retrieval/vector_leg.h"

#include <QSet>

#include <algorithm>

namespace ac::retrieval {

namespace {

constexpr int kProbeDepth = 10;
constexpr double kTieTolerance = 1e-6;

constexpr const char* kRecordProbe = "SELECT app.record_recall_probe($1, $2, $3, $4, $5, $6, $7::real)";
constexpr const char* kRecallHealth = "SELECT probes, mean_recall, min_recall, extract(epoch FROM last_probe)::float8 FROM app.recall_health($1)";

} // namespace

double tieAwareRecall(const std::vector<VectorLegHit>& graph, const std::vector<VectorLegHit>& exact)
{
    const size_t k = std::min<size_t>(kProbeDepth, exact.size());
    if (k == 0)
        return 1.0;
    const double kth = exact[k - 1].similarity;
    QSet<qint64> truth;
    for (size_t i = 0; i < k; ++i)
        truth.insert(exact[i].chunkId);
    size_t found = 0;
    for (size_t i = 0; i < std::min(k, graph.size()); ++i)
        if (truth.contains(graph[i].chunkId) || graph[i].similarity >= kth - kTieTolerance)
            ++found;
    return static_cast<double>(found) / static_cast<double>(k);
}

std::optional<RecallProbe> probeRecall(db::PgConnection& conn, const RetrievalRequest& request, const Diagnostics& d)
{
    if (!d.vectorPath.startsWith(QLatin1String("hnsw")) || d.widened || d.vectorLegHits.empty() || d.queryEmbedding.empty())
        return std::nullopt;
    // The version the answer searched, live or not by now: the graph is measured against its own rows.
    const LegScope scope{request.agent.merchantId, d.corpusVersion, static_cast<int>(d.queryEmbedding.size()),
                         request.agent.aclTokens};

    VectorLegSettings exact;
    exact.exact = true;
    exact.limit = kProbeDepth;
    std::vector<VectorLegHit> truth;
    {
        db::Transaction tx(conn, "BEGIN READ ONLY");
        for (const RetrievedChunk& c : runVectorLeg(conn, vectorLegQuery(scope, d.queryEmbedding, exact)))
            truth.push_back({c.chunkId, c.scores.vectorSimilarity.value_or(-1.0)});
        tx.commit();
    }
    RecallProbe probe;
    probe.k = static_cast<int>(std::min<size_t>(kProbeDepth, truth.size()));
    if (probe.k == 0)
        return std::nullopt;
    probe.recall = tieAwareRecall(d.vectorLegHits, truth);
    probe.vectorPath = d.vectorPath;
    probe.corpusVersion = d.corpusVersion;
    probe.efSearch = d.efSearch;
    conn.exec(kRecordProbe, db::PgParams()
                                .add(request.agent.agentId)
                                .add(request.agent.merchantId)
                                .add(probe.corpusVersion)
                                .add(probe.vectorPath)
                                .add(probe.efSearch)
                                .add(probe.k)
                                .add(probe.recall));
    return probe;
}

RecallHealth recallHealth(db::PgConnection& conn, int hours)
{
    const db::PgResult r = conn.exec(kRecallHealth, db::PgParams().add(hours));
    RecallHealth health;
    health.probes = r.integer(0, 0);
    if (health.probes > 0) {
        health.meanRecall = r.text(0, 1).toDouble();
        health.minRecall = r.text(0, 2).toDouble();
        health.lastProbe = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(r.text(0, 3).toDouble() * 1000));
    }
    return health;
}

} // namespace ac::retrieval
