#include "cli_support.h"
#include "command_registry.h"
#include "eval/beir_dataset.h"
#include "eval/eval_error.h"
#include "eval/eval_runner.h"
#include "eval/quality_baseline.h"
#include "eval/run_report.h"
#include "eval/run_store.h"
#include "ingest/embedder_factory.h"
#include "retrieval/result_json.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace ac::cli {
namespace {

const QString kDefaultRunDir = QStringLiteral("eval-runs");

void addEvalOptions(QCommandLineParser& parser)
{
    addDatabaseOptions(parser);
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("BEIR dataset: corpus.jsonl, queries.jsonl, qrels/test.tsv."));
    parser.addOptions({
        {QStringLiteral("compare"), QStringLiteral("Print the difference between two logged runs (ids or JSON files) instead.")},
        {QStringLiteral("modes"), QStringLiteral("Comma-separated modes (default: vector,lexical,hybrid,hybrid+rerank)."), QStringLiteral("list")},
        {QStringLiteral("no-baseline"), QStringLiteral("Skip the in-memory Okapi BM25 baseline.")},
        {QStringLiteral("allow-unknown-ids"), QStringLiteral("Drop (and count) judgements naming a query or document "
                                                            "the set lacks, instead of failing.")},
        {QStringLiteral("bm25-k1"), QStringLiteral("BM25 baseline k1 (default 0.9)."), QStringLiteral("x"), QStringLiteral("0.9")},
        {QStringLiteral("bm25-b"), QStringLiteral("BM25 baseline b (default 0.4)."), QStringLiteral("x"), QStringLiteral("0.4")},
        {QStringLiteral("queries"), QStringLiteral("Use only the first N judged queries."), QStringLiteral("n"), QStringLiteral("0")},
        {QStringLiteral("candidates"), QStringLiteral("Candidates per retrieval leg."), QStringLiteral("n")},
        {QStringLiteral("ef-search"), QStringLiteral("hnsw.ef_search."), QStringLiteral("n")},
        {QStringLiteral("fusion"), QStringLiteral("How the legs are merged: convex | rrf."), QStringLiteral("method")},
        {QStringLiteral("rrf-k"), QStringLiteral("Reciprocal rank fusion k."), QStringLiteral("n")},
        {QStringLiteral("vector-weight"), QStringLiteral("Fusion weight of the vector leg."), QStringLiteral("w")},
        {QStringLiteral("lexical-weight"), QStringLiteral("Fusion weight of the lexical leg."), QStringLiteral("w")},
        {QStringLiteral("lexical-k1"), QStringLiteral("BM25 k1 of the product's lexical leg."), QStringLiteral("x")},
        {QStringLiteral("lexical-b"), QStringLiteral("BM25 b of the product's lexical leg."), QStringLiteral("x")},
        {QStringLiteral("rerank-depth"), QStringLiteral("Fused candidates the reranker reorders."), QStringLiteral("n")},
        {QStringLiteral("vector-path"), QStringLiteral("auto, hnsw or exact."), QStringLiteral("path")},
        {QStringLiteral("max-tokens"), QStringLiteral("Chunker maximum tokens."), QStringLiteral("n")},
        {QStringLiteral("min-tokens"), QStringLiteral("Chunker minimum tokens."), QStringLiteral("n")},
        {QStringLiteral("overlap-tokens"), QStringLiteral("Chunker overlap tokens."), QStringLiteral("n")},
        {QStringLiteral("out"), QStringLiteral("Folder for the run's JSON file (default: eval-runs)."), QStringLiteral("dir"), kDefaultRunDir},
        {QStringLiteral("no-log"), QStringLiteral("Do not record the run (no JSON file, no eval_runs row).")},
        {QStringLiteral("json"), QStringLiteral("Print the run as JSON instead of a table.")},
        {QStringLiteral("per-query"), QStringLiteral("Write each query's top-10 documents and scores per mode as JSON lines."), QStringLiteral("file")},
        {QStringLiteral("keep-corpus"), QStringLiteral("Leave the scratch merchant in the database.")},
        {QStringLiteral("write-baseline"), QStringLiteral("Write the run's recall@10/nDCG@10 as a CI baseline file."), QStringLiteral("file")},
        {QStringLiteral("check-baseline"), QStringLiteral("Exit 1 when the run falls below this baseline file."), QStringLiteral("file")},
        {QStringLiteral("tolerance"), QStringLiteral("Tolerance stored by --write-baseline (default 0.02)."), QStringLiteral("x"), QStringLiteral("0.02")},
    });
}

double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max)
        throw UsageError(QStringLiteral("--%1 must be a number from %2 to %3").arg(name).arg(min).arg(max));
    return value;
}

eval::EvalOptions evalOptions(const QCommandLineParser& parser)
{
    eval::EvalOptions options;
    if (parser.isSet(QStringLiteral("modes")))
        options.modes = parser.value(QStringLiteral("modes")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString& mode : options.modes)
        if (!eval::modeSpecFromName(mode))
            throw UsageError(QStringLiteral("unknown mode \"%1\" (use %2)").arg(mode, eval::defaultModeNames().join(QLatin1Char(','))));
    options.bm25Baseline = !parser.isSet(QStringLiteral("no-baseline"));
    options.bm25.k1 = doubleOption(parser, QStringLiteral("bm25-k1"), 0.0, 10.0);
    options.bm25.b = doubleOption(parser, QStringLiteral("bm25-b"), 0.0, 1.0);
    options.maxQueries = intOption(parser, QStringLiteral("queries"), 0, 10000000);
    auto& search = options.search;
    if (parser.isSet(QStringLiteral("candidates")))
        search.candidates = intOption(parser, QStringLiteral("candidates"), 1, 10000);
    if (parser.isSet(QStringLiteral("ef-search")))
        search.efSearch = intOption(parser, QStringLiteral("ef-search"), 1, 1000);
    if (parser.isSet(QStringLiteral("rrf-k")))
        search.rrfK = intOption(parser, QStringLiteral("rrf-k"), 0, 100000);
    if (parser.isSet(QStringLiteral("fusion"))) {
        const auto fusion = retrieval::fusionFromName(parser.value(QStringLiteral("fusion")));
        if (!fusion)
            throw UsageError(QStringLiteral("--fusion must be convex or rrf"));
        search.fusion = *fusion;
    }
    if (parser.isSet(QStringLiteral("vector-weight")))
        search.vectorWeight = doubleOption(parser, QStringLiteral("vector-weight"), 0.0, 100.0);
    if (parser.isSet(QStringLiteral("lexical-weight")))
        search.lexicalWeight = doubleOption(parser, QStringLiteral("lexical-weight"), 0.0, 100.0);
    if (parser.isSet(QStringLiteral("lexical-k1")))
        search.bm25.k1 = doubleOption(parser, QStringLiteral("lexical-k1"), 0.0, 10.0);
    if (parser.isSet(QStringLiteral("lexical-b")))
        search.bm25.b = doubleOption(parser, QStringLiteral("lexical-b"), 0.0, 1.0);
    if (parser.isSet(QStringLiteral("rerank-depth")))
        search.rerankDepth = intOption(parser, QStringLiteral("rerank-depth"), 1, 1000);
    if (parser.isSet(QStringLiteral("vector-path"))) {
        const QString path = parser.value(QStringLiteral("vector-path"));
        using Path = retrieval::RetrievalOptions::VectorPath;
        if (path == QLatin1String("auto"))
            search.vectorPath = Path::Auto;
        else if (path == QLatin1String("hnsw"))
            search.vectorPath = Path::Hnsw;
        else if (path == QLatin1String("exact"))
            search.vectorPath = Path::Exact;
        else
            throw UsageError(QStringLiteral("--vector-path must be auto, hnsw or exact"));
    }
    if (parser.isSet(QStringLiteral("max-tokens")))
        options.chunker.maxTokens = intOption(parser, QStringLiteral("max-tokens"), 16, 8192);
    if (parser.isSet(QStringLiteral("min-tokens")))
        options.chunker.minTokens = intOption(parser, QStringLiteral("min-tokens"), 0, options.chunker.maxTokens);
    if (parser.isSet(QStringLiteral("overlap-tokens")))
        options.chunker.overlapTokens = intOption(parser, QStringLiteral("overlap-tokens"), 0, options.chunker.maxTokens / 2);
    options.keepCorpus = parser.isSet(QStringLiteral("keep-corpus"));
    options.progress = [](const QString& line) { err() << "ragctl eval: " << line << Qt::endl; };
    return options;
}

int runCompare(const QCommandLineParser& parser)
{
    const QStringList runs = parser.positionalArguments();
    if (runs.size() != 2)
        throw UsageError(QStringLiteral("--compare takes two runs: RUN_A RUN_B (ids or JSON files)"));
    const eval::RunStore store(parser.value(QStringLiteral("out")));
    std::optional<db::PgConnection> conn;
    const auto load = [&](const QString& run) {
        try {
            return store.load(run);
        } catch (const eval::EvalError&) {
            if (!conn)
                conn.emplace(db::PgConnection::open(openDatabase(parser, false).conninfo));
            return store.load(run, &*conn);
        }
    };
    const eval::EvalRun a = load(runs[0]);
    const eval::EvalRun b = load(runs[1]);
    out() << eval::formatComparison(a, b);
    out().flush();
    return 0;
}

int runEval(const QStringList& args)
{
    QCommandLineParser parser;
    addEvalOptions(parser);
    parseOrThrow(parser, args,
                 QStringLiteral("Measure retrieval quality on a BEIR dataset: recall@k, MRR@10, nDCG@10 and context precision "
                                "per mode, with latency percentiles, next to an Okapi BM25 baseline; every run is logged."));
    if (parser.isSet(QStringLiteral("compare")))
        return runCompare(parser);
    if (parser.positionalArguments().size() != 1)
        throw UsageError(QStringLiteral("give one dataset folder (or --compare RUN_A RUN_B)"));

    eval::EvalOptions options = evalOptions(parser);
    std::optional<QFile> perQuery;
    if (parser.isSet(QStringLiteral("per-query"))) {
        perQuery.emplace(parser.value(QStringLiteral("per-query")));
        if (!perQuery->open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw UsageError(QStringLiteral("cannot write %1: %2").arg(perQuery->fileName(), perQuery->errorString()));
        options.onQuery = [&perQuery](const QString& mode, const eval::BeirQuery& query, const QStringList& ranked,
                                      const eval::QueryScores& scores) {
            const QJsonObject line{{QStringLiteral("mode"), mode},
                                   {QStringLiteral("query_id"), query.id},
                                   {QStringLiteral("query"), query.text},
                                   {QStringLiteral("top10"), QJsonArray::fromStringList(ranked.mid(0, 10))},
                                   {QStringLiteral("mrr@10"), scores.mrr10},
                                   {QStringLiteral("ndcg@10"), scores.ndcg10}};
            perQuery->write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
        };
    }
    eval::BeirLoadOptions load;
    load.allowUnknownIds = parser.isSet(QStringLiteral("allow-unknown-ids"));
    const eval::BeirDataset dataset = eval::loadBeirDataset(parser.positionalArguments().front(), QStringLiteral("test"), load);
    for (const QString& warning : dataset.warnings)
        err() << "ragctl eval: warning: " << warning << Qt::endl;
    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const eval::EvalRun run = eval::EvalRunner(conn, ingest::EmbedderConfig::fromEnvironment()).run(dataset, options);

    if (!parser.isSet(QStringLiteral("no-log"))) {
        const QString path = eval::RunStore(parser.value(QStringLiteral("out"))).writeFile(run);
        eval::RunStore::insert(conn, run);
        err() << "ragctl eval: logged run " << run.id << " (" << path << ", eval_runs)" << Qt::endl;
    }
    if (parser.isSet(QStringLiteral("json")))
        out() << QJsonDocument(run.toJson()).toJson(QJsonDocument::Indented);
    else
        out() << eval::formatRun(run);
    out().flush();

    if (parser.isSet(QStringLiteral("write-baseline"))) {
        const double tolerance = doubleOption(parser, QStringLiteral("tolerance"), 0.0, 1.0);
        eval::QualityBaseline::fromRun(run, tolerance).writeFile(parser.value(QStringLiteral("write-baseline")));
        err() << "ragctl eval: wrote baseline " << parser.value(QStringLiteral("write-baseline")) << Qt::endl;
    }
    if (parser.isSet(QStringLiteral("check-baseline"))) {
        const QStringList failures =
            eval::QualityBaseline::readFile(parser.value(QStringLiteral("check-baseline"))).regressions(run);
        for (const QString& failure : failures)
            err() << "ragctl eval: regression: " << failure << Qt::endl;
        if (!failures.isEmpty())
            return 1;
    }
    return 0;
}

const CommandRegistrar kEval("eval", "measure retrieval quality on a BEIR dataset; --compare two runs", &runEval);

} // namespace
} // namespace ac::cli
