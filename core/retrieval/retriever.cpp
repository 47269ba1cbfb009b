#include "retrieval/retriever.h"

#include "retrieval/acl_graphs.h"
#include "retrieval/lexical_leg.h"
#include "retrieval/live_corpus.h"
#include "retrieval/plan_tree.h"
#include "retrieval/query_sql.h"
#include "retrieval/query_terms.h"
#include "retrieval/result_json.h"
#include "retrieval/fusion.h"
#include "retrieval/source_diversity.h"
#include "retrieval/vector_leg.h"
#include "retrieval/vector_path.h"
#include "security/audit.h"

#include <QElapsedTimer>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <future>
#include <optional>
#include <span>
#include <unordered_map>

namespace ac::retrieval {

namespace {

class StageClock {
public:
    explicit StageClock(Diagnostics& d) : diagnostics_(d) { timer_.start(); }
    void lap(const QString& stage)
    {
        diagnostics_.timings.push_back({stage, timer_.nsecsElapsed() / 1e6});
        timer_.restart();
    }

private:
    Diagnostics& diagnostics_;
    QElapsedTimer timer_;
};

void validate(const RetrievalRequest& request)
{
    const RetrievalOptions& o = request.options;
    if (request.agent.merchantId.isEmpty())
        throw RetrievalError(QStringLiteral("the agent has no merchant"));
    if (o.k < 1 || o.k > 1000)
        throw RetrievalError(QStringLiteral("k must be between 1 and 1000 (got %1)").arg(o.k));
    if (o.candidates < 1 || o.candidates > 10000)
        throw RetrievalError(QStringLiteral("candidates must be between 1 and 10000 (got %1)").arg(o.candidates));
    if (o.efSearch < 1 || o.efSearch > 1000)
        throw RetrievalError(QStringLiteral("ef_search must be between 1 and 1000 (got %1)").arg(o.efSearch));
    if (o.rrfK < 0)
        throw RetrievalError(QStringLiteral("the RRF k must not be negative"));
    if (o.maxScanTuples < 1)
        throw RetrievalError(QStringLiteral("max_scan_tuples must be positive"));
    if (!(o.bm25.k1 >= 0 && o.bm25.k1 <= 10) || !(o.bm25.b >= 0 && o.bm25.b <= 1))
        throw RetrievalError(QStringLiteral("BM25 needs 0 <= k1 <= 10 and 0 <= b <= 1 (got k1 %1, b %2)")
                                 .arg(o.bm25.k1).arg(o.bm25.b));
}

QString iterativeScanName(const VectorLegSettings& s)
{
    if (s.exact)
        return QStringLiteral("n/a");
    return s.iterativeScan ? QStringLiteral("relaxed_order") : QStringLiteral("off");
}

// Titles come from the source rows, for the few chunks that made the final cut.
void attachTitles(db::PgConnection& conn, const QString& merchantId, std::vector<RetrievedChunk>& chunks)
{
    QStringList documents, tickets;
    for (const RetrievedChunk& c : chunks)
        (c.sourceType == QLatin1String("ticket") ? tickets : documents) << c.sourceId;
    if (chunks.empty())
        return;
    const db::PgResult r = conn.exec(sql::kSourceTitles,
                                     db::PgParams().add(merchantId).addTextArray(documents).addTextArray(tickets));
    QHash<QString, QString> titles;
    for (int i = 0; i < r.rows(); ++i)
        titles.insert(r.text(i, 0) + QLatin1Char('/') + r.text(i, 1), r.text(i, 2));
    for (RetrievedChunk& c : chunks)
        c.title = titles.value(c.sourceType + QLatin1Char('/') + c.sourceId);
}

bool statisticsStale(db::PgConnection& conn, const QString& merchantId)
{
    const db::PgResult r = conn.exec(sql::kChunkStatistics, db::PgParams().add(merchantId));
    if (r.empty())
        return false;
    const qint64 live = r.integer(0, "n_live_tup");
    const qint64 modified = r.integer(0, "n_mod_since_analyze");
    return r.boolean(0, "never") || modified > std::max<qint64>(1000, live / 5);
}

// The lexical leg: BM25 over the query's terms (stop words go on the server, which stems them).
struct LexicalStage {
    std::vector<RetrievedChunk> hits;
    std::unordered_map<qint64, double> seedDistances;  // chunk id -> vector distance
    QString terms;
    QStringList notes;
    std::vector<LegQuery> ran;
    double ms = 0;
};

// The vector distances of the lexical leg's rows, so they can join a graph's ranking.
std::unordered_map<qint64, double> seedDistances(db::PgConnection& conn, const LegScope& scope,
                                                 const std::vector<RetrievedChunk>& hits, std::span<const float> query)
{
    QStringList ids;
    for (const RetrievedChunk& hit : hits)
        ids << QString::number(hit.chunkId);
    const db::PgResult rows = conn.exec(
        sql::kSeedDistances,
        db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(ids).addVector(query));
    std::unordered_map<qint64, double> distances;
    for (int r = 0; r < rows.rows(); ++r)
        distances.emplace(rows.integer(r, "id"), rows.real(r, "distance"));
    return distances;
}

// `seedVector` non-empty: the vector distances of the hits are fetched too (seedDistances).
LexicalStage runLexicalStage(db::PgConnection& conn, const LegScope& scope, const QString& query,
                             const RetrievalOptions& o, int limit, std::span<const float> seedVector)
{
    QElapsedTimer timer;
    timer.start();
    LexicalStage stage;
    const QueryTerms terms = extractQueryTerms(query);
    stage.terms = (terms.identifiers + terms.words).join(QLatin1Char(' '));
    if (stage.terms.isEmpty()) {
        stage.notes << QStringLiteral("no searchable terms in the query: lexical leg skipped");
    } else {
        stage.ran.push_back(lexicalLegQuery(scope, stage.terms, limit, o.bm25));
        stage.hits = runLexicalLeg(conn, stage.ran.back());
        if (!seedVector.empty() && !stage.hits.empty())
            stage.seedDistances = seedDistances(conn, scope, stage.hits, seedVector);
    }
    stage.ms = timer.nsecsElapsed() / 1e6;
    return stage;
}

} // namespace

Retriever::Retriever(db::PgConnection& conn, Reranker* reranker) : conn_(conn), reranker_(reranker) {}

Retriever::Retriever(db::PgConnection& conn, ingest::Embedder& embedder, Reranker* reranker)
    : conn_(conn), embedder_(&embedder), reranker_(reranker)
{
}

RetrievalResult Retriever::retrieve(const RetrievalRequest& request)
{
    validate(request);
    const RetrievalOptions& o = request.options;
    RetrievalResult result;
    Diagnostics& d = result.diagnostics;
    QElapsedTimer total;
    total.start();
    StageClock clock(d);

    const bool wantVector = o.mode != Mode::Lexical;
    const bool wantLexical = o.mode != Mode::Vector;
    const int limit = std::max(o.candidates, o.k);
    d.efSearch = o.efSearch;

    const std::optional<LiveCorpus> corpus = loadLiveCorpus(conn_, request.agent.merchantId);
    if (!corpus) {
        d.notes << QStringLiteral("merchant %1 has no live corpus version: nothing to search").arg(request.agent.merchantId);
        d.totalMs = total.nsecsElapsed() / 1e6;
        return result;
    }
    d.corpusVersion = corpus->version;
    const LegScope scope{request.agent.merchantId, corpus->version, corpus->dims, request.agent.aclTokens};

    ingest::Embedding queryVector;
    if (wantVector) {
        // Pinned: the query is embedded with the very model that embedded the version it searches.
        std::unique_ptr<ingest::Embedder> own;
        if (!embedder_ || !corpus->matches(embedder_->spec()))
            own = makeEmbedderFor(conn_, scope.merchantId, *corpus);
        ingest::Embedder& embedder = own ? *own : *embedder_;
        const ingest::EmbeddingSpec spec = embedder.spec();
        if (!corpus->matches(spec))
            throw RetrievalError(QStringLiteral("the live corpus of %1 (version %2) was embedded with %3/%4 (%5 dims) but "
                                                "the query embedder is %6/%7 (%8 dims); configure the matching embedder")
                                     .arg(scope.merchantId).arg(corpus->version).arg(corpus->provider, corpus->model)
                                     .arg(corpus->dims).arg(spec.provider, spec.model).arg(spec.dims));
        queryVector = embedder.embed({request.query}).at(0);
        d.embeddingModel = spec.version.isEmpty() ? spec.model : spec.model + QLatin1Char('@') + spec.version.left(12);
        clock.lap(QStringLiteral("embed"));
    }

    // With a second session both legs read one snapshot: this transaction exports it, the side
    // session's imports it.
    const bool twoSessions = side_ && wantLexical;
    db::Transaction tx(conn_, twoSessions ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN READ ONLY");
    QString snapshot, role;
    if (twoSessions) {
        const db::PgResult exported = conn_.exec("SELECT pg_export_snapshot(), current_user");
        snapshot = exported.text(0, 0);
        role = exported.text(0, 1);
    }
    std::vector<LegQuery> ran;

    // Scope sizes: estimates first; exact counts when the tenant is small enough to count cheaply.
    bool reused = false;
    const PathEstimates estimates = estimates_->estimates(conn_, scope, reused);
    d.merchantRowsEstimate = estimates.merchant;
    d.authorisedRowsEstimate = estimates.authorised;
    PathEstimates decisionInput = estimates;
    if (estimates.merchant <= o.exactScanThreshold) {
        const db::PgResult counts = conn_.exec(
            sql::kCountScope, db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens));
        d.merchantRowsEstimate = decisionInput.merchant = counts.integer(0, "merchant_rows");
        d.authorisedRowsEstimate = decisionInput.authorised = counts.integer(0, "authorised_rows");
    } else {
        d.notes << (reused ? QStringLiteral("row counts are planner estimates (reused from a retrieval of the last %1 s)")
                                 .arg(PathEstimateCache::kTtlMs / 1000)
                           : QStringLiteral("row counts are planner estimates"));
    }
    d.rowsRemovedByFilter = std::max<qint64>(0, d.merchantRowsEstimate - d.authorisedRowsEstimate);
    if (estimates.underPolicy)
        d.notes << QStringLiteral("row-level security: counts cover only rows this role may read, so rows "
                                  "hidden by the ACL do not show in them");
    clock.lap(QStringLiteral("estimate"));

    const PathDecision decision = wantVector ? chooseVectorPath(decisionInput, o, limit) : PathDecision{};
    // A graph's ranking takes the lexical rows in by their vector distance (kSeedDistances).
    const bool seeded = wantVector && wantLexical && !decision.exact;

    // The lexical leg runs beside the vector leg on the side session (which joins the snapshot and
    // checks its role there, off the critical path), or after it on this one.
    std::future<LexicalStage> lexical;
    if (wantLexical) {
        const std::span<const float> seedVector = seeded ? std::span<const float>(queryVector) : std::span<const float>();
        const auto stage = [&, seedVector](db::PgConnection& conn) {
            return runLexicalStage(conn, scope, request.query, o, limit, seedVector);
        };
        if (twoSessions) {
            static const QRegularExpression snapshotId(QStringLiteral("^[0-9A-F]+-[0-9A-F]+-[0-9]+$"));
            if (!snapshotId.match(snapshot).hasMatch())
                throw RetrievalError(QStringLiteral("unexpected snapshot id from the server: %1").arg(snapshot));
            lexical = std::async(std::launch::async, [this, stage, snapshot, role] {
                const QString sideRole = side_->exec("SELECT current_user").text(0, 0);
                if (sideRole != role)
                    throw RetrievalError(QStringLiteral("the side session runs as %1, not as %2: both legs must run "
                                                        "as the same agent").arg(sideRole, role));
                db::Transaction side(*side_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                side_->exec(QStringLiteral("SET TRANSACTION SNAPSHOT '%1'").arg(snapshot));
                LexicalStage found = stage(*side_);
                side.commit();
                return found;
            });
        } else {
            lexical = std::async(std::launch::deferred, [this, stage] { return stage(conn_); });
        }
    }

    std::vector<RetrievedChunk> vectorHits;
    VectorLegSettings vs{false, o.efSearch, o.iterativeScan, o.maxScanTuples, limit};
    if (wantVector) {
        vs.exact = decision.exact;
        d.notes << decision.reason;
        d.iterativeScan = iterativeScanName(vs);
        // An agent who reads part of the tenant searches its tokens' ACL graphs where they hold
        // everything it may read: no filter for the query to correlate with. (The partition's size
        // comes from pg_class, which row-level security does not shrink to the agent's rows.)
        const QStringList graphs = !vs.exact && decisionInput.authorised < decisionInput.table
            ? aclGraphsFor(conn_, scope) : QStringList();
        if (!graphs.isEmpty()) {
            std::vector<std::vector<RetrievedChunk>> legs;
            for (const QString& token : graphs) {
                ran.push_back(aclGraphLegQuery(scope, queryVector, vs, token));
                legs.push_back(runVectorLeg(conn_, ran.back()));
            }
            vectorHits = mergeByDistance(std::move(legs), limit);
            d.vectorPath = QStringLiteral("hnsw-acl");
            d.notes << QStringLiteral("searched the ACL graphs of %1 instead of the merchant's graph").arg(graphs.join(QLatin1String(", ")));
        } else {
            ran.push_back(vectorLegQuery(scope, queryVector, vs));
            vectorHits = runVectorLeg(conn_, ran.back());
            d.vectorPath = vs.exact ? QStringLiteral("exact") : QStringLiteral("hnsw");
        }

        if (static_cast<int>(vectorHits.size()) < limit) {
            const db::PgResult count = conn_.exec(
                sql::kCountAuthorised,
                db::PgParams().add(scope.merchantId).add(scope.corpusVersion).addTextArray(scope.aclTokens).add(limit));
            if (count.integer(0, 0) > static_cast<qint64>(vectorHits.size())) {
                d.underReturned = true;
                d.notes << QStringLiteral("the %1 path returned %2 of %3 rows while more authorised rows exist")
                               .arg(d.vectorPath).arg(vectorHits.size()).arg(limit);
                if (!vs.exact) {
                    vs.exact = true;
                    ran.push_back(vectorLegQuery(scope, queryVector, vs));
                    ran.back().leg = QStringLiteral("vector_widened");
                    vectorHits = runVectorLeg(conn_, ran.back());
                    d.widened = true;
                    d.vectorPath = QStringLiteral("hnsw+exact");
                }
            }
        }
        d.vectorCandidates = static_cast<int>(vectorHits.size());
        for (const RetrievedChunk& hit : vectorHits)
            d.vectorLegHits.push_back({hit.chunkId, hit.scores.vectorSimilarity.value_or(-1.0)});
        d.queryEmbedding = queryVector;
        clock.lap(QStringLiteral("vector"));
    }

    std::vector<RetrievedChunk> lexicalHits;
    if (lexical.valid()) {
        LexicalStage stage = lexical.get();
        if (twoSessions) {
            d.notes << QStringLiteral("lexical leg ran beside the vector leg on a second session (%1 ms)")
                           .arg(stage.ms, 0, 'f', 2);
        }
        lexicalHits = std::move(stage.hits);
        d.lexicalQuery = stage.terms;
        d.notes << stage.notes;
        for (LegQuery& q : stage.ran)
            ran.push_back(std::move(q));
        d.lexicalCandidates = static_cast<int>(lexicalHits.size());
        clock.lap(twoSessions ? QStringLiteral("lexical wait") : QStringLiteral("lexical"));
        if (seeded && !d.widened && !stage.seedDistances.empty()) {
            QSet<qint64> fromGraph;
            for (const RetrievedChunk& hit : vectorHits)
                fromGraph.insert(hit.chunkId);
            vectorHits = mergeLexicalSeeds(std::move(vectorHits), lexicalHits, stage.seedDistances, limit);
            const auto entered = std::count_if(vectorHits.begin(), vectorHits.end(),
                                               [&](const RetrievedChunk& c) { return !fromGraph.contains(c.chunkId); });
            d.notes << QStringLiteral("%1 lexical rows re-scored by vector distance; %2 of them entered the vector "
                                      "ranking the graph returned").arg(stage.seedDistances.size()).arg(entered);
        }
    }
    for (const RetrievedChunk& hit : vectorHits)
        d.vectorRanking.push_back({hit.chunkId, hit.scores.vectorSimilarity.value_or(-1.0)});

    std::vector<RetrievedChunk> fused =
        fuse(std::move(vectorHits), std::move(lexicalHits), {o.fusion, o.rrfK, o.vectorWeight, o.lexicalWeight});
    clock.lap(QStringLiteral("fusion"));

    if (o.rerank && !fused.empty()) {
        Reranker* reranker = reranker_ ? reranker_ : &lexicalReranker_;
        try {
            applyRerank(*reranker, request.query, fused, o.rerankDepth);
            d.reranker = reranker->name();
        } catch (const RerankError& error) {
            d.notes << QStringLiteral("%1 reranker failed (%2); used the lexical reranker").arg(reranker->name(),
                                                                                                 QString::fromUtf8(error.what()));
            applyRerank(lexicalReranker_, request.query, fused, o.rerankDepth);
            d.reranker = lexicalReranker_.name();
        }
        clock.lap(QStringLiteral("rerank"));
    }
    diversifyBySource(fused, o.maxPerSource);
    if (fused.size() > static_cast<size_t>(o.k))
        fused.resize(static_cast<size_t>(o.k));
    attachTitles(conn_, scope.merchantId, fused);
    result.chunks = std::move(fused);
    clock.lap(QStringLiteral("finish"));

    QJsonObject settings{
        {QStringLiteral("mode"), modeName(o.mode)},
        {QStringLiteral("k"), o.k},
        {QStringLiteral("candidates"), limit},
        {QStringLiteral("fusion"), fusionName(o.fusion)},
        {QStringLiteral("rrf_k"), o.rrfK},
        {QStringLiteral("vector_weight"), o.vectorWeight},
        {QStringLiteral("lexical_weight"), o.lexicalWeight},
        {QStringLiteral("rerank"), o.rerank},
        {QStringLiteral("rerank_depth"), o.rerankDepth},
        {QStringLiteral("max_per_source"), o.maxPerSource},
        {QStringLiteral("exact_scan_threshold"), o.exactScanThreshold},
        {QStringLiteral("bm25_k1"), o.bm25.k1},
        {QStringLiteral("bm25_b"), o.bm25.b},
        {QStringLiteral("corpus_version"), corpus->version},
        {QStringLiteral("embedding_model"), corpus->model},
    };
    for (const LegQuery& q : ran)
        settings.insert(q.leg + QStringLiteral("_settings"), settingsToJson(q));
    d.settings = settings;

    if (o.explain) {
        const bool stale = statisticsStale(conn_, scope.merchantId);
        const db::PgResult names = conn_.exec(sql::kPartitionNames, db::PgParams().add(scope.merchantId).add(scope.dims));
        QJsonObject raw;
        for (const LegQuery& q : ran) {
            QueryPlan plan = explainLeg(conn_, q);
            PlanExpectations expect;
            expect.statisticsStale = stale;
            if (!names.empty()) {
                expect.chunksTable = names.text(0, "partition");
                expect.hnswIndex = names.text(0, "hnsw_index");
            }
            if (q.leg == QLatin1String("vector")) {
                expect.expectHnsw = d.vectorPath.startsWith(QLatin1String("hnsw"));
                expect.seqScanExpected = d.vectorPath == QLatin1String("exact");
                expect.wantedRows = limit;
                expect.moreRowsExist = d.underReturned;
            }
            if (q.leg == QLatin1String("vector_widened"))
                expect.seqScanExpected = true;
            if (q.leg.startsWith(QLatin1String("vector_acl:"))) {
                expect.expectHnsw = true;
                expect.hnswIndex = conn_.exec(sql::kAclGraphName, db::PgParams().add(scope.merchantId)
                                                                   .add(q.leg.section(QLatin1Char(':'), 1)).add(scope.dims)).text(0, 0);
            }
            plan.warnings = planWarnings(plan, expect);
            raw.insert(q.leg, plan.raw);
            result.plans.push_back(std::move(plan));
        }
        result.planJson = raw;
        clock.lap(QStringLiteral("explain"));
    }

    tx.commit();
    security::recordRetrieval(audit_ ? *audit_ : conn_, request, result);  // audit trail (issue 6), outside the read-only tx
    d.totalMs = total.nsecsElapsed() / 1e6;
    return result;
}

} // namespace ac::retrieval
