#include "agent/agent_directory.h"
#include "agent/context_pack_builder.h"
#include "bench_corpus.h"
#include "cli_support.h"
#include "command_registry.h"
#include "db/db_error.h"
#include "ingest/corpus_embedder.h"
#include "ingest/embedder_factory.h"
#include "ingest/hash_embedder.h"
#include "retrieval/acl_graphs.h"
#include "retrieval/live_corpus.h"
#include "retrieval/retriever.h"
#include "security/agent_session.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>
#include <QSet>
#include <QSysInfo>

#include <algorithm>
#include <map>
#include <memory>

namespace ac::cli {
namespace {

// The two baselines the benchmark compares against, run as written in the seed (the vector query
// orders by the expression the graphs index, migrations 010 and 016, so it can use them as the
// seed's did; %1 is the corpus's dimension count).
constexpr const char* kSeedVectorQuery =
    "SELECT id FROM chunks WHERE merchant_id = $1 AND acl && $2::text[] AND embedding_dims = %1 "
    "ORDER BY embedding::halfvec(%1) <=> $3::halfvec(%1) LIMIT $4";
constexpr const char* kGraphs =
    "SELECT c.oid::regclass FROM pg_inherits inh JOIN pg_index i ON i.indrelid = inh.inhrelid "
    "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
    "WHERE inh.inhparent = 'public.chunks'::regclass AND a.amname = 'hnsw'";
// The BM25 postings lists: the table, its TOAST table and the indexes of both.
constexpr const char* kPostings =
    "WITH t AS (SELECT oid AS rel FROM pg_class WHERE oid = 'public.chunk_postings'::regclass "
    "           UNION ALL SELECT reltoastrelid FROM pg_class WHERE oid = 'public.chunk_postings'::regclass) "
    "SELECT rel::regclass FROM t UNION ALL SELECT i.indexrelid::regclass FROM pg_index i JOIN t ON i.indrelid = t.rel";
// The lexical leg's search both ways, as the owner with the agent's tokens, on the same data:
// migration 020's postings and migration 013's scan of every matching tsvector.
constexpr const char* kLexicalPostings =
    "SELECT h.id FROM app.bm25_search($1::text[], $2, $3, $4, 1.2, 0.75, 2000, $5, false) AS s, unnest(s.hits) AS h";
constexpr const char* kLexicalScan =
    "SELECT h.id FROM app.bm25_scan($1::text[], $2, $3, $4, 1.2, 0.75, 2000, $5, false) AS s, unnest(s.hits) AS h";
constexpr const char* kNaiveLikeScan = "SELECT id, merchant_id, acl FROM chunks WHERE chunk_text ILIKE $1";

struct Series {
    std::vector<double> ms;
    double recallSum = 0;
    int recallCount = 0;
    double tiedRecallSum = 0;
    qint64 returned = 0;
    qint64 leaked = 0;
    std::map<QString, int> paths;

    void add(double elapsed) { ms.push_back(elapsed); }
    void recall(double r, double tied = -1)
    {
        recallSum += r;
        tiedRecallSum += tied < 0 ? r : tied;
        ++recallCount;
    }
    double percentile(double p) const
    {
        if (ms.empty())
            return 0;
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
        return sorted[at];
    }
    QString recallText() const { return recallCount ? QString::number(recallSum / recallCount, 'f', 3) : QStringLiteral("-"); }
    QString tiedRecallText() const { return recallCount ? QString::number(tiedRecallSum / recallCount, 'f', 3) : QStringLiteral("-"); }
};

double recallOf(const QList<qint64>& got, const QList<qint64>& truth)
{
    if (truth.isEmpty())
        return 1.0;
    const QSet<qint64> t(truth.begin(), truth.end());
    int hits = 0;
    for (qint64 id : got)
        hits += t.contains(id) ? 1 : 0;
    return static_cast<double>(hits) / truth.size();
}

// The first ten of a retrieval's vector ranking: the graph's rows with the lexical seeds.
QList<qint64> vectorRankingIds(const retrieval::RetrievalResult& r)
{
    QList<qint64> out;
    for (const retrieval::VectorLegHit& hit : r.diagnostics.vectorRanking) {
        if (out.size() == 10)
            break;
        out << hit.chunkId;
    }
    return out;
}

// Recall as ann-benchmarks counts it: a returned row is a true neighbour when its distance is
// within 1e-3 of the farthest exact one, so rows tied with the truth's last ones (equal vectors of
// templated chunks, which exact search lists in an arbitrary order) are not counted as misses.
double tiedRecallOf(const retrieval::RetrievalResult& got, const retrieval::RetrievalResult& truth)
{
    if (truth.chunks.empty())
        return 1.0;
    double floor = 1.0;  // the exact list's farthest row (the list is not in distance order after source diversity)
    for (const auto& c : truth.chunks)
        floor = std::min(floor, c.scores.vectorSimilarity.value_or(1.0));
    floor -= 1e-3;
    int hits = 0;
    for (const auto& c : got.chunks)
        hits += c.scores.vectorSimilarity.value_or(-1.0) >= floor ? 1 : 0;
    return std::min(1.0, static_cast<double>(hits) / static_cast<double>(truth.chunks.size()));
}

QList<qint64> ids(const retrieval::RetrievalResult& r)
{
    QList<qint64> out;
    for (const auto& c : r.chunks)
        out << c.chunkId;
    return out;
}

QString likeKeyword(const QString& query)
{
    for (const QString& word : query.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString w = word;
        w.remove(QRegularExpression(QStringLiteral("[^a-z0-9-]")));
        if (w.size() >= 5)
            return w;
    }
    return query.toLower();
}

int runBench(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    bench::addCorpusSpecOptions(parser, QStringLiteral("100000"));
    parser.addOptions({
        {QStringLiteral("queries"), QStringLiteral("Timed queries per agent kind."), QStringLiteral("n"), QStringLiteral("200")},
        {QStringLiteral("naive-queries"), QStringLiteral("Queries for the naive LIKE scan (slow)."), QStringLiteral("n"), QStringLiteral("20")},
        {QStringLiteral("ef-search"), QStringLiteral("hnsw.ef_search for the retrieval runs."), QStringLiteral("n"), QString::number(retrieval::RetrievalOptions{}.efSearch)},
        {QStringLiteral("exact-threshold"), QStringLiteral("Auto path: exact scan up to this many authorised rows."), QStringLiteral("n"), QString::number(retrieval::RetrievalOptions{}.exactScanThreshold)},
        {QStringLiteral("load-only"), QStringLiteral("Load the corpus and build the index, then stop.")},
    });
    parseOrThrow(parser, args, QStringLiteral(
        "Retrieval benchmark on a synthetic multi-tenant corpus (loaded on first run; use a dedicated --data-dir, "
        "the HNSW index is dropped and rebuilt around the load): latency percentiles of retrieval and of the "
        "context pack, recall@10 against exact filtered ground truth, beside the seed's naive LIKE scan and the "
        "HNSW query without iterative scan."));

    const bench::CorpusSpec spec = bench::corpusSpecOptions(parser);
    const int queryCount = intOption(parser, QStringLiteral("queries"), 1, 1000000);
    const int naiveCount = intOption(parser, QStringLiteral("naive-queries"), 0, 1000000);
    const int efSearch = intOption(parser, QStringLiteral("ef-search"), 1, 1000);
    const int exactThreshold = intOption(parser, QStringLiteral("exact-threshold"), 0, 100000000);

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const std::vector<bench::BenchMerchant> merchants = bench::planCorpus(spec);
    const ingest::EmbedderConfig config = ingest::EmbedderConfig::fromEnvironment();

    const bool loaded = conn.exec("SELECT count(*) FROM chunks WHERE merchant_id = $1",
                                  db::PgParams().add(merchants.back().id)).integer(0, 0) > 0;
    if (!loaded) {
        err() << "bench: loading about " << spec.chunks << " chunks for " << spec.merchants << " merchants" << Qt::endl;
        conn.exec("SELECT app.drop_chunk_graphs()");
        QElapsedTimer load;
        load.start();
        const bench::LoadedCorpus corpus = bench::loadCorpus(conn, prepared.conninfo, config, spec, merchants,
                                                             [](const QString& step) { err() << "bench: " << step << Qt::endl; });
        out() << "loaded " << corpus.chunks << " chunks in " << QString::number(load.elapsed() / 1000.0, 'f', 1)
              << " s, of which " << QString::number(corpus.trainingSeconds, 'f', 1) << " s training corpus models\n";
        QElapsedTimer build;
        build.start();
        conn.exec("SET maintenance_work_mem = '4GB'");
        conn.exec("SELECT app.create_chunk_graphs()");
        out() << "HNSW build ("
              << conn.exec("SELECT string_agg(DISTINCT app.chunk_graph_definition(embedding_dims), '; ') FROM corpus_versions")
                     .text(0, 0)
              << "): "
              << QString::number(build.elapsed() / 1000.0, 'f', 1) << " s\n";
        // The contractors of the large tenants get the ACL graph an operator would build for them
        // (`ragctl acl-graphs`); the small tenants' contractors are served by exact scans.
        QElapsedTimer acl;
        acl.start();
        for (int i = 0; i < spec.bigMerchants && i < static_cast<int>(merchants.size()); ++i)
            retrieval::createAclGraph(conn, merchants[static_cast<size_t>(i)].id, QStringLiteral("topic:refund"));
        out() << "ACL graphs (topic:refund) of the " << spec.bigMerchants << " large tenants: "
              << QString::number(acl.elapsed() / 1000.0, 'f', 1) << " s\n";
        conn.exec("VACUUM ANALYZE chunks");
        out().flush();
    }
    const qint64 totalChunks = conn.exec("SELECT count(*) FROM chunks").integer(0, 0);
    out() << "corpus: " << totalChunks << " chunks, table "
          << conn.exec("SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('chunks')").text(0, 0)
          << " with indexes, HNSW indexes "
          << conn.exec(QStringLiteral("SELECT pg_size_pretty(sum(pg_relation_size(g))) FROM (%1) AS graphs(g)").arg(QLatin1String(kGraphs))).text(0, 0)
          << ", " << conn.exec("SELECT count(*) FROM pg_partition_tree('chunks') WHERE isleaf").text(0, 0) << " partitions\n";
    if (parser.isSet(QStringLiteral("load-only")))
        return 0;

    // Every measured query runs as the agent's own role, so row-level security applies as in the
    // console; switching roles happens outside the timed sections.
    // A second session of the same agent, for the retrieval whose legs run side by side.
    db::PgConnection side = db::PgConnection::open(prepared.conninfo);
    const auto asAgent = [&conn, &side](const QString& agentId) {
        conn.exec("RESET ROLE");
        side.exec("RESET ROLE");
        security::becomeAgent(side, agentId);
        return security::becomeAgent(conn, agentId);
    };
    const QStringList queries = bench::makeQueries(queryCount, spec);
    std::mt19937_64 rng(spec.seed + 2);

    retrieval::RetrievalOptions vectorOnly;
    vectorOnly.mode = retrieval::Mode::Vector;
    vectorOnly.rerank = false;
    vectorOnly.k = vectorOnly.candidates = 10;
    vectorOnly.efSearch = efSearch;
    vectorOnly.exactScanThreshold = exactThreshold;
    retrieval::RetrievalOptions truthOptions = vectorOnly;
    truthOptions.vectorPath = retrieval::RetrievalOptions::VectorPath::Exact;
    retrieval::RetrievalOptions hnswOptions = vectorOnly;
    hnswOptions.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;
    retrieval::RetrievalOptions full;
    full.k = 10;
    full.efSearch = efSearch;
    full.exactScanThreshold = exactThreshold;

    // The retriever embeds with each corpus version's own model; this one only stands in for none.
    const bool trained = config.provider == QLatin1String(ingest::CorpusEmbedder::kProvider);
    std::unique_ptr<ingest::Embedder> embedder =
        trained ? std::make_unique<ingest::HashEmbedder>() : ingest::makeEmbedder(config);
    // The seed query embeds with each tenant's own model, as the retriever does.
    std::map<QString, retrieval::LiveCorpus> corpora;
    std::map<QString, std::unique_ptr<ingest::Embedder>> seedEmbedders;
    for (const bench::BenchMerchant& m : merchants) {
        const auto live = retrieval::loadLiveCorpus(conn, m.id);
        if (!live)
            throw UsageError(QStringLiteral("merchant %1 has no live corpus: drop the database and load again").arg(m.id));
        corpora.emplace(m.id, *live);
        seedEmbedders.emplace(m.id, retrieval::makeEmbedderFor(conn, m.id, *live));
    }
    retrieval::Retriever retriever(conn, *embedder);
    retrieval::Retriever twoSessions(conn, *embedder);
    twoSessions.setSideSession(&side);
    agent::ContextPackBuilder packs(conn, *embedder);

    const auto timed = [](auto&& fn) {
        QElapsedTimer t;
        t.start();
        fn();
        return t.nsecsElapsed() / 1e6;
    };

    struct AgentRun {
        QString name;
        std::map<QString, Series> series;
        std::map<QString, Series> stages;  // full retrieval, per stage
        std::vector<retrieval::RetrievalResult> truth;  // per query
    };
    std::vector<AgentRun> runs{{QStringLiteral("Alice-like (staff, all topics)"), {}, {}, {}},
                               {QStringLiteral("Bob-like (contractor, topic:refund)"), {}, {}, {}}};
    const int big = std::max(1, spec.bigMerchants);
    // Half the queries go to the large tenants, half spread over the small ones.
    const auto merchantFor = [&](int i) -> const bench::BenchMerchant& {
        const size_t mi = (i % 2 == 0 || spec.merchants == spec.bigMerchants)
            ? static_cast<size_t>((i / 2) % big) % merchants.size()
            : static_cast<size_t>(spec.bigMerchants + (i / 2) % std::max(1, spec.merchants - spec.bigMerchants));
        return merchants[mi];
    };

    // Pass 1, ground truth: exact scans read every authorised vector and push the graphs out of
    // the caches, so they run apart from the timed passes.
    for (size_t a = 0; a < runs.size(); ++a) {
        Series& exact = runs[a].series["exact (ground truth)"];
        for (int i = 0; i < queryCount; ++i) {
            const bench::BenchMerchant& m = merchantFor(i);
            const retrieval::AgentIdentity agent = asAgent(a == 0 ? m.alice : m.bob);
            retrieval::RetrievalResult truth;
            exact.add(timed([&] { truth = retriever.retrieve({agent, queries[i], truthOptions}); }));
            runs[a].truth.push_back(truth);
            exact.recall(1.0);
            exact.returned += static_cast<qint64>(truth.chunks.size());
        }
    }

    // Pass 2, warm-up the way a running service would be warm: the HNSW graphs and the BM25
    // postings read into shared buffers (pg_prewarm, when the server has it; the exact scans above
    // pushed them out), then every agent's first queries, untimed.
    try {
        conn.exec("RESET ROLE");
        conn.exec("CREATE EXTENSION IF NOT EXISTS pg_prewarm");
        QElapsedTimer prewarm;
        prewarm.start();
        const qint64 blocks = conn.exec(QStringLiteral("SELECT sum(pg_prewarm(g))::bigint FROM (%1) AS graphs(g)")
                                            .arg(QLatin1String(kGraphs))).integer(0, 0);
        const qint64 postings = conn.exec(QStringLiteral("SELECT sum(pg_prewarm(r))::bigint FROM (%1) AS lists(r)")
                                              .arg(QLatin1String(kPostings))).integer(0, 0);
        out() << "prewarmed " << blocks << " HNSW blocks and " << postings << " postings blocks in "
              << QString::number(prewarm.elapsed() / 1000.0, 'f', 1) << " s\n";
    } catch (const db::DbError& error) {
        out() << "no prewarm (" << error.sqlstate() << "): the first queries read the graphs from disk\n";
    }
    for (size_t a = 0; a < runs.size(); ++a)
        for (int i = 0; i < std::min<int>(40, queryCount); ++i) {
            const bench::BenchMerchant& m = merchantFor(i);
            retriever.retrieve({asAgent(a == 0 ? m.alice : m.bob), queries[i], full});
        }

    // Pass 3, timed.
    for (size_t a = 0; a < runs.size(); ++a) {
        auto& s = runs[a].series;
        for (int i = 0; i < queryCount; ++i) {
            const bench::BenchMerchant& m = merchantFor(i);
            const retrieval::AgentIdentity agent = asAgent(a == 0 ? m.alice : m.bob);
            const QString& q = queries[i];
            const retrieval::RetrievalResult& truthRows = runs[a].truth[static_cast<size_t>(i)];
            const QList<qint64> truthIds = ids(truthRows);

            retrieval::RetrievalResult r;
            // The product's two calls first, on a query nothing has run yet; the leg series after
            // them repeat the same query, so they measure the leg without first-touch page reads.
            s["full retrieval (hybrid + rerank, k=10)"].add(timed([&] { r = retriever.retrieve({agent, q, full}); }));
            s["full retrieval (hybrid + rerank, k=10)"].paths[r.diagnostics.vectorPath]++;
            s["full retrieval (hybrid + rerank, k=10)"].recall(recallOf(vectorRankingIds(r), truthIds));
            s["full retrieval (hybrid + rerank, k=10)"].returned += static_cast<qint64>(r.chunks.size());
            for (const retrieval::StageTiming& t : r.diagnostics.timings)
                runs[a].stages[t.stage].add(t.ms);

            const QString message = bench::makeCustomerMessage(m, rng);
            retrieval::RetrievalOptions packOptions = full;
            packOptions.k = 3;
            agent::ContextPack pack;
            s["context pack (k=3)"].add(timed([&] { pack = packs.build(agent, message, packOptions); }));
            s["context pack (k=3)"].returned += static_cast<qint64>(pack.chunks.size());

            // The same retrieval repeated, with its legs one after the other on one session and side
            // by side on two; which goes first alternates.
            for (int turn = 0; turn < 2; ++turn) {
                const bool two = (turn + i) % 2 == 1;
                Series& series = s[two ? "full retrieval, repeat, legs on two sessions" : "full retrieval, repeat, legs on one session"];
                series.add(timed([&] { r = (two ? twoSessions : retriever).retrieve({agent, q, full}); }));
                series.returned += static_cast<qint64>(r.chunks.size());
                const QList<qint64> rankingIds = vectorRankingIds(r);
                series.recall(recallOf(rankingIds, truthIds));
                if (two) {
                    for (const retrieval::StageTiming& t : r.diagnostics.timings)
                        runs[a].stages[QStringLiteral("(two sessions) ") + t.stage].add(t.ms);
                    // The seeded vector ranking exists once the lexical leg is back: every stage
                    // up to waiting for it.
                    double ready = 0;
                    for (const retrieval::StageTiming& t : r.diagnostics.timings) {
                        ready += t.ms;
                        if (t.stage == QLatin1String("lexical wait"))
                            break;
                    }
                    Series& ranking = s["its vector ranking ready, two sessions"];
                    ranking.add(ready);
                    ranking.recall(recallOf(rankingIds, truthIds));
                    ranking.returned += rankingIds.size();
                }
            }

            s["vector leg, auto path"].add(timed([&] { r = retriever.retrieve({agent, q, vectorOnly}); }));
            s["vector leg, auto path"].recall(recallOf(ids(r), truthIds), tiedRecallOf(r, truthRows));
            s["vector leg, auto path"].paths[r.diagnostics.vectorPath]++;
            s["vector leg, auto path"].returned += static_cast<qint64>(r.chunks.size());

            s["vector leg, HNSW + iterative scan"].add(timed([&] { r = retriever.retrieve({agent, q, hnswOptions}); }));
            s["vector leg, HNSW + iterative scan"].recall(recallOf(ids(r), truthIds), tiedRecallOf(r, truthRows));
            s["vector leg, HNSW + iterative scan"].paths[r.diagnostics.vectorPath]++;
            s["vector leg, HNSW + iterative scan"].returned += static_cast<qint64>(r.chunks.size());

            // The common pattern: HNSW with the filter, ef_search 40, no iterative scan, no widening.
            const retrieval::LiveCorpus& corpus = corpora.at(m.id);
            const ingest::Embedding v = seedEmbedders.at(m.id)->embed({q}).at(0);
            QList<qint64> seedIds;
            s["seed query, HNSW without iterative scan"].add(timed([&] {
                db::Transaction tx(conn, "BEGIN READ ONLY");
                for (const char* setting : {"SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off",
                                            "SET LOCAL enable_sort = off", "SET LOCAL hnsw.ef_search = 40",
                                            "SET LOCAL hnsw.iterative_scan = off"})
                    conn.exec(setting);
                const db::PgResult rows = conn.exec(QString::fromLatin1(kSeedVectorQuery).arg(corpus.dims),
                                                    db::PgParams().add(m.id).addTextArray(agent.aclTokens).addVector(v).add(10));
                for (int row = 0; row < rows.rows(); ++row)
                    seedIds << rows.integer(row, 0);
                tx.commit();
            }));
            s["seed query, HNSW without iterative scan"].recall(recallOf(seedIds, truthIds));
            s["seed query, HNSW without iterative scan"].returned += seedIds.size();

            // Recall of the postings' leg is counted against the scan's rows (1.0: the same rows).
            QList<qint64> lexical[2];
            for (int turn = 0; turn < 2; ++turn) {
                const int way = (turn + i) % 2;
                conn.exec("RESET ROLE");
                s[way == 0 ? "lexical leg, postings (020)" : "lexical leg, tsvector scan (013)"].add(timed([&] {
                    const db::PgResult rows = conn.exec(way == 0 ? kLexicalPostings : kLexicalScan,
                                                        db::PgParams().addTextArray(agent.aclTokens).add(m.id)
                                                            .add(corpus.version).add(q).add(full.candidates));
                    for (int row = 0; row < rows.rows(); ++row)
                        lexical[way] << rows.integer(row, 0);
                }));
            }
            s["lexical leg, postings (020)"].recall(recallOf(lexical[0], lexical[1]));
            s["lexical leg, postings (020)"].returned += lexical[0].size();
            s["lexical leg, tsvector scan (013)"].returned += lexical[1].size();

        }
    }

    // Pass 4, the seed's naive scan: it reads the whole table, so it runs last.
    for (size_t a = 0; a < runs.size(); ++a) {
        auto& s = runs[a].series;
        for (int i = 0; i < std::min(naiveCount, queryCount); ++i) {
            const bench::BenchMerchant& m = merchantFor(i);
            const retrieval::AgentIdentity agent = asAgent(a == 0 ? m.alice : m.bob);
            const QString& q = queries[i];
            const QList<qint64> truthIds = ids(runs[a].truth[static_cast<size_t>(i)]);
            QList<qint64> naive;
            qint64 leaked = 0;
            conn.exec("RESET ROLE");  // the seed's scan: every row, no tenant or ACL filter
            s["seed naive LIKE scan"].add(timed([&] {
                const db::PgResult rows = conn.exec(kNaiveLikeScan, db::PgParams().add(QStringLiteral("%%%1%%").arg(likeKeyword(q))));
                for (int row = 0; row < rows.rows() && naive.size() < 10; ++row) {
                    naive << rows.integer(row, 0);
                    const QStringList acl = rows.textArray(row, 2);
                    const bool allowed = rows.text(row, 1) == m.id
                        && std::any_of(acl.begin(), acl.end(), [&](const QString& t) { return agent.aclTokens.contains(t); });
                    leaked += allowed ? 0 : 1;
                }
            }));
            s["seed naive LIKE scan"].recall(recallOf(naive, truthIds));
            s["seed naive LIKE scan"].returned += naive.size();
            s["seed naive LIKE scan"].leaked += leaked;
        }
    }

    out() << "\nmachine: " << QThread::idealThreadCount() << " CPUs, " << QSysInfo::prettyProductName() << "; "
          << queryCount << " queries per agent kind, half to the " << spec.bigMerchants << " large tenants; ef_search "
          << efSearch << ", exact-scan threshold " << exactThreshold << "\n\n";
    out() << "(recall@10 of a full retrieval is that of its vector ranking: the graph's rows with the lexical "
             "leg's rows re-scored by vector distance)\n\n";
    out() << "| agent | measure | p50 ms | p95 ms | p99 ms | recall@10 | recall@10, ties | rows/query | notes |\n";
    out() << "|---|---|---:|---:|---:|---:|---:|---:|---|\n";
    const QStringList order{"full retrieval (hybrid + rerank, k=10)", "context pack (k=3)",
                            "full retrieval, repeat, legs on one session", "full retrieval, repeat, legs on two sessions",
                            "its vector ranking ready, two sessions",
                            "vector leg, auto path",
                            "vector leg, HNSW + iterative scan", "seed query, HNSW without iterative scan",
                            "lexical leg, postings (020)", "lexical leg, tsvector scan (013)",
                            "exact (ground truth)", "seed naive LIKE scan"};
    for (const AgentRun& run : runs) {
        for (const QString& name : order) {
            const auto found = run.series.find(name);
            if (found == run.series.end())
                continue;
            const Series& s = found->second;
            QStringList notes;
            for (const auto& [path, n] : s.paths)
                notes << QStringLiteral("%1: %2").arg(path.isEmpty() ? QStringLiteral("none") : path).arg(n);
            if (s.leaked > 0)
                notes << QStringLiteral("%1 of its rows were not the agent's to see").arg(s.leaked);
            const QString rowsPerQuery = s.ms.empty() ? QStringLiteral("-") : QString::number(double(s.returned) / s.ms.size(), 'f', 1);
            out() << "| " << run.name << " | " << name << " | " << QString::number(s.percentile(0.5), 'f', 2) << " | "
                  << QString::number(s.percentile(0.95), 'f', 2) << " | " << QString::number(s.percentile(0.99), 'f', 2)
                  << " | " << (name.startsWith(QLatin1String("context")) || name.endsWith(QLatin1String("(013)"))
                                   ? QStringLiteral("-") : s.recallText())
                  << " | " << (name.startsWith(QLatin1String("vector")) ? s.tiedRecallText() : QStringLiteral("-"))
                  << " | " << rowsPerQuery << " | " << notes.join(QStringLiteral(", ")) << " |\n";
        }
    }
    out() << "\nfull retrieval, per stage (p50 / p95 ms):\n";
    for (const AgentRun& run : runs) {
        QStringList parts;
        for (const auto& [stage, series] : run.stages)
            parts << QStringLiteral("%1 %2 / %3").arg(stage).arg(series.percentile(0.5), 0, 'f', 2).arg(series.percentile(0.95), 0, 'f', 2);
        out() << "  " << run.name << ": " << parts.join(QStringLiteral(", ")) << '\n';
    }
    conn.exec("RESET ROLE");
    out().flush();
    return 0;
}

const CommandRegistrar kBench("bench-retrieval", "benchmark retrieval latency and recall on a synthetic corpus", &runBench);

} // namespace
} // namespace ac::cli
