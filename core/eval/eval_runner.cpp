#include "eval/eval_runner.h"

#include "eval/eval_environment.h"
#include "eval/eval_error.h"
#include "eval/scratch_corpus.h"
#include "ingest/corpus_training.h"
#include "retrieval/live_corpus.h"
#include "retrieval/retriever.h"

#include <QElapsedTimer>
#include <QJsonArray>

#include <algorithm>

namespace ac::eval {
namespace {

QString vectorPathName(retrieval::RetrievalOptions::VectorPath path)
{
    switch (path) {
    case retrieval::RetrievalOptions::VectorPath::Hnsw: return QStringLiteral("hnsw");
    case retrieval::RetrievalOptions::VectorPath::Exact: return QStringLiteral("exact");
    case retrieval::RetrievalOptions::VectorPath::Auto: break;
    }
    return QStringLiteral("auto");
}

QJsonObject searchSettings(const retrieval::RetrievalOptions& o, int chunkDepth)
{
    return {{QStringLiteral("k"), chunkDepth},
            {QStringLiteral("candidates"), o.candidates},
            {QStringLiteral("ef_search"), o.efSearch},
            {QStringLiteral("rrf_k"), o.rrfK},
            {QStringLiteral("vector_weight"), o.vectorWeight},
            {QStringLiteral("lexical_weight"), o.lexicalWeight},
            {QStringLiteral("vector_path"), vectorPathName(o.vectorPath)},
            {QStringLiteral("iterative_scan"), o.iterativeScan},
            {QStringLiteral("max_scan_tuples"), o.maxScanTuples},
            {QStringLiteral("exact_scan_threshold"), o.exactScanThreshold},
            {QStringLiteral("rerank_depth"), o.rerankDepth}};
}

QJsonObject baseConfig(const EvalOptions& options, const ingest::EmbeddingSpec& spec, int chunkDepth)
{
    QJsonArray recall;
    for (int k : options.cutoffs.recall)
        recall.append(k);
    return {
        {QStringLiteral("version"), QStringLiteral(AGENT_CONSOLE_VERSION)},
        {QStringLiteral("embedding"),
         QJsonObject{{QStringLiteral("provider"), spec.provider}, {QStringLiteral("model"), spec.model},
                     {QStringLiteral("dims"), spec.dims}, {QStringLiteral("version"), spec.version}}},
        {QStringLiteral("chunker"),
         QJsonObject{{QStringLiteral("version"), options.chunker.version()},
                     {QStringLiteral("min_tokens"), options.chunker.minTokens},
                     {QStringLiteral("max_tokens"), options.chunker.maxTokens},
                     {QStringLiteral("overlap_tokens"), options.chunker.overlapTokens}}},
        {QStringLiteral("search"), searchSettings(options.search, chunkDepth)},
        {QStringLiteral("baseline"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("okapi-bm25")}, {QStringLiteral("k1"), options.bm25.k1},
                     {QStringLiteral("b"), options.bm25.b}, {QStringLiteral("fields"), QStringLiteral("title+text")},
                     {QStringLiteral("tokenizer"), QStringLiteral("lowercase letter/digit runs, no stemming")}}},
        {QStringLiteral("cutoffs"),
         QJsonObject{{QStringLiteral("recall"), recall}, {QStringLiteral("context_k"), options.cutoffs.contextK}}},
        {QStringLiteral("query_limit"), options.maxQueries},
        {QStringLiteral("host"), describeHost()},
    };
}

ModeResult bm25Run(const BeirDataset& dataset, const std::vector<const BeirQuery*>& queries, const EvalOptions& options)
{
    Bm25Index index(options.bm25);
    for (const BeirDocument& doc : dataset.corpus)
        index.add(doc.id, doc.title + QLatin1Char(' ') + doc.text);
    MetricAccumulator metrics(options.cutoffs);
    std::vector<double> latencies;
    for (const BeirQuery* query : queries) {
        QElapsedTimer timer;
        timer.start();
        const std::vector<Bm25Hit> hits = index.search(query->text, options.cutoffs.deepest());
        latencies.push_back(timer.nsecsElapsed() / 1e6);
        QStringList ranked;
        for (const Bm25Hit& hit : hits)
            ranked << hit.id;
        const QueryScores scores = scoreQuery(ranked, dataset.qrels.value(query->id), options.cutoffs);
        metrics.add(scores);
        if (options.onQuery)
            options.onQuery(QStringLiteral("bm25"), *query, ranked, scores);
    }
    return {QStringLiteral("bm25"), metricValues(metrics.mean(), options.cutoffs), LatencySummary::of(latencies)};
}

} // namespace

std::optional<ModeSpec> modeSpecFromName(const QString& name)
{
    if (name == QLatin1String("vector"))
        return ModeSpec{name, retrieval::Mode::Vector, false};
    if (name == QLatin1String("lexical"))
        return ModeSpec{name, retrieval::Mode::Lexical, false};
    if (name == QLatin1String("hybrid"))
        return ModeSpec{name, retrieval::Mode::Hybrid, false};
    if (name == QLatin1String("hybrid+rerank"))
        return ModeSpec{name, retrieval::Mode::Hybrid, true};
    return std::nullopt;
}

QStringList defaultModeNames()
{
    return {QStringLiteral("vector"), QStringLiteral("lexical"), QStringLiteral("hybrid"), QStringLiteral("hybrid+rerank")};
}

EvalRun EvalRunner::run(const BeirDataset& dataset, const EvalOptions& options)
{
    std::vector<ModeSpec> specs;
    for (const QString& name : options.modes) {
        const std::optional<ModeSpec> spec = modeSpecFromName(name);
        if (!spec)
            throw EvalError(QStringLiteral("unknown mode \"%1\" (use %2)").arg(name, defaultModeNames().join(QStringLiteral(", "))));
        specs.push_back(*spec);
    }
    std::vector<const BeirQuery*> queries;
    for (const BeirQuery& query : dataset.queries)
        if (options.maxQueries <= 0 || int(queries.size()) < options.maxQueries)
            queries.push_back(&query);
    const auto say = [&](const QString& line) {
        if (options.progress)
            options.progress(line);
    };

    EvalRun run;
    run.startedAt = QDateTime::currentDateTimeUtc();
    run.id = EvalRun::newId(run.startedAt, dataset.hash);
    run.datasetName = dataset.name;
    run.datasetPath = dataset.path;
    run.datasetHash = dataset.hash;
    run.documents = int(dataset.corpus.size());
    run.queries = int(queries.size());
    const int chunkDepth = std::min(1000, 2 * options.cutoffs.deepest());

    if (options.bm25Baseline)
        run.results.push_back(bm25Run(dataset, queries, options));

    ScratchCorpus corpus(conn_, dataset.hash);
    if (options.keepCorpus)
        corpus.keep();
    say(QStringLiteral("loading %1 documents into scratch merchant %2").arg(dataset.corpus.size()).arg(corpus.merchantId()));
    QElapsedTimer loadTimer;
    loadTimer.start();
    {
        const std::unique_ptr<ingest::Embedder> embedder = ingest::embedderForLoad(conn_, corpus.merchantId(), embedder_);
        run.chunks = corpus.load(dataset, *embedder, options.chunker);
    }
    if (ingest::trainIfNeeded(conn_, corpus.merchantId(), embedder_))
        say(QStringLiteral("trained a corpus model on the scratch corpus and re-embedded it"));
    run.loadSeconds = loadTimer.nsecsElapsed() / 1e9;
    const std::optional<retrieval::LiveCorpus> live = retrieval::loadLiveCorpus(conn_, corpus.merchantId());
    run.config = baseConfig(options, live ? live->spec() : ingest::EmbeddingSpec{}, chunkDepth);
    run.config.insert(QStringLiteral("hnsw"), describeIndexes(conn_));

    retrieval::Retriever retriever(conn_);
    QJsonObject effective;
    for (const ModeSpec& spec : specs) {
        say(QStringLiteral("running %1 queries: %2").arg(queries.size()).arg(spec.name));
        retrieval::RetrievalRequest request{corpus.agent(), QString(), options.search};
        request.options.mode = spec.mode;
        request.options.rerank = spec.rerank;
        request.options.k = chunkDepth;
        request.options.candidates = std::max(request.options.candidates, chunkDepth);
        request.options.explain = false;
        // One untimed query so the first measured one does not pay for cold caches.
        request.query = queries.front()->text;
        const retrieval::RetrievalResult warm = retriever.retrieve(request);
        effective.insert(spec.name, QJsonObject{{QStringLiteral("settings"), warm.diagnostics.settings},
                                                {QStringLiteral("reranker"), warm.diagnostics.reranker}});

        MetricAccumulator metrics(options.cutoffs);
        std::vector<double> latencies;
        for (const BeirQuery* query : queries) {
            request.query = query->text;
            QElapsedTimer timer;
            timer.start();
            const retrieval::RetrievalResult result = retriever.retrieve(request);
            latencies.push_back(timer.nsecsElapsed() / 1e6);
            QStringList sources;
            for (const retrieval::RetrievedChunk& chunk : result.chunks)
                sources << corpus.datasetId(chunk.sourceId);
            const QueryScores scores = scoreQuery(sources, dataset.qrels.value(query->id), options.cutoffs);
            metrics.add(scores);
            if (options.onQuery)
                options.onQuery(spec.name, *query, firstOccurrences(sources), scores);
        }
        run.results.push_back({spec.name, metricValues(metrics.mean(), options.cutoffs), LatencySummary::of(latencies)});
    }
    run.config.insert(QStringLiteral("search_effective"), effective);
    if (options.keepCorpus)
        run.config.insert(QStringLiteral("kept_merchant"), corpus.merchantId());
    return run;
}

} // namespace ac::eval
