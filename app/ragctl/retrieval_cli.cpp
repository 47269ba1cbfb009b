#include "retrieval_cli.h"


#include "agent/agent_directory.h"
#include "agent/context_pack_builder.h"
#include "cli_support.h"
#include "ingest/corpus_training.h"
#include "retrieval/http_reranker.h"
#include "retrieval/live_corpus.h"
#include "retrieval/result_json.h"
#include "security/agent_session.h"

#include <QFile>
#include <QProcessEnvironment>

namespace ac::cli {

namespace {

double doubleOption(const QCommandLineParser& parser, const QString& name, double min, double max)
{
    bool ok = false;
    const double value = parser.value(name).toDouble(&ok);
    if (!ok || value < min || value > max)
        throw UsageError(QStringLiteral("--%1 must be a number from %2 to %3").arg(name).arg(min).arg(max));
    return value;
}

} // namespace

void addRetrievalOptions(QCommandLineParser& parser, int defaultK)
{
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("The query or message (\"-\": read stdin)."));
    const retrieval::RetrievalOptions defaults;
    parser.addOptions({
        {QStringLiteral("agent"), QStringLiteral("Agent id, e.g. u1 (required)."), QStringLiteral("id")},
        {QStringLiteral("merchant"), QStringLiteral("Merchant id; must be the agent's."), QStringLiteral("id")},
        {QStringLiteral("k"), QStringLiteral("Results to return."), QStringLiteral("n"), QString::number(defaultK)},
        {QStringLiteral("mode"), QStringLiteral("vector | lexical | hybrid."), QStringLiteral("mode"), QStringLiteral("hybrid")},
        {QStringLiteral("candidates"), QStringLiteral("Candidates per leg before fusion."), QStringLiteral("n"), QString::number(defaults.candidates)},
        {QStringLiteral("ef-search"), QStringLiteral("hnsw.ef_search."), QStringLiteral("n"), QString::number(defaults.efSearch)},
        {QStringLiteral("path"), QStringLiteral("Vector path: auto | hnsw | exact."), QStringLiteral("path"), QStringLiteral("auto")},
        {QStringLiteral("no-iterative-scan"), QStringLiteral("Turn pgvector's iterative index scan off.")},
        {QStringLiteral("max-scan-tuples"), QStringLiteral("hnsw.max_scan_tuples."), QStringLiteral("n"), QString::number(defaults.maxScanTuples)},
        {QStringLiteral("exact-threshold"), QStringLiteral("Auto path: exact scan up to this many authorised rows."),
         QStringLiteral("n"), QString::number(defaults.exactScanThreshold)},
        {QStringLiteral("no-rerank"), QStringLiteral("Skip the rerank stage.")},
        {QStringLiteral("fusion"), QStringLiteral("How the legs are merged: convex | rrf."), QStringLiteral("method"),
         retrieval::fusionName(defaults.fusion)},
        {QStringLiteral("rrf-k"), QStringLiteral("Reciprocal Rank Fusion k."), QStringLiteral("n"), QString::number(defaults.rrfK)},
        {QStringLiteral("vector-weight"), QStringLiteral("Fusion weight of the vector leg."), QStringLiteral("w"),
         QString::number(defaults.vectorWeight)},
        {QStringLiteral("lexical-weight"), QStringLiteral("Fusion weight of the lexical leg."), QStringLiteral("w"),
         QString::number(defaults.lexicalWeight)},
        {QStringLiteral("lexical-k1"), QStringLiteral("BM25 k1 of the lexical leg."), QStringLiteral("x"), QString::number(defaults.bm25.k1)},
        {QStringLiteral("lexical-b"), QStringLiteral("BM25 b of the lexical leg."), QStringLiteral("x"), QString::number(defaults.bm25.b)},
        {QStringLiteral("reranker-url"), QStringLiteral("Cohere/Jina/TEI-compatible /rerank endpoint (key: "
                                                        "AGENT_CONSOLE_RERANK_API_KEY)."), QStringLiteral("url")},
        {QStringLiteral("reranker-model"), QStringLiteral("Model name sent to the reranker."), QStringLiteral("name")},
        {QStringLiteral("reranker-flavor"), QStringLiteral("cohere (also Jina) | tei."), QStringLiteral("flavor"), QStringLiteral("cohere")},
    });
}

retrieval::RetrievalOptions retrievalOptions(const QCommandLineParser& parser)
{
    retrieval::RetrievalOptions o;
    o.k = intOption(parser, QStringLiteral("k"), 1, 1000);
    const auto mode = retrieval::modeFromName(parser.value(QStringLiteral("mode")));
    if (!mode)
        throw UsageError(QStringLiteral("--mode must be vector, lexical or hybrid"));
    o.mode = *mode;
    o.candidates = intOption(parser, QStringLiteral("candidates"), 1, 10000);
    o.efSearch = intOption(parser, QStringLiteral("ef-search"), 1, 1000);
    const QString path = parser.value(QStringLiteral("path"));
    if (path == QLatin1String("auto"))
        o.vectorPath = retrieval::RetrievalOptions::VectorPath::Auto;
    else if (path == QLatin1String("hnsw"))
        o.vectorPath = retrieval::RetrievalOptions::VectorPath::Hnsw;
    else if (path == QLatin1String("exact"))
        o.vectorPath = retrieval::RetrievalOptions::VectorPath::Exact;
    else
        throw UsageError(QStringLiteral("--path must be auto, hnsw or exact"));
    o.iterativeScan = !parser.isSet(QStringLiteral("no-iterative-scan"));
    o.maxScanTuples = intOption(parser, QStringLiteral("max-scan-tuples"), 1, 100000000);
    o.exactScanThreshold = intOption(parser, QStringLiteral("exact-threshold"), 0, 100000000);
    o.rerank = !parser.isSet(QStringLiteral("no-rerank"));
    const auto fusion = retrieval::fusionFromName(parser.value(QStringLiteral("fusion")));
    if (!fusion)
        throw UsageError(QStringLiteral("--fusion must be convex or rrf"));
    o.fusion = *fusion;
    o.rrfK = intOption(parser, QStringLiteral("rrf-k"), 0, 100000);
    o.vectorWeight = doubleOption(parser, QStringLiteral("vector-weight"), 0, 100);
    o.lexicalWeight = doubleOption(parser, QStringLiteral("lexical-weight"), 0, 100);
    o.bm25.k1 = doubleOption(parser, QStringLiteral("lexical-k1"), 0, 10);
    o.bm25.b = doubleOption(parser, QStringLiteral("lexical-b"), 0, 1);
    return o;
}

retrieval::AgentIdentity loadAgent(db::PgConnection& conn, const QCommandLineParser& parser)
{
    const QString agentId = parser.value(QStringLiteral("agent"));
    if (agentId.isEmpty())
        throw UsageError(QStringLiteral("--agent is required"));
    const auto agent = agent::AgentDirectory(conn).byId(agentId);
    if (!agent)
        throw UsageError(QStringLiteral("no agent \"%1\"").arg(agentId));
    const QString merchant = parser.value(QStringLiteral("merchant"));
    if (!merchant.isEmpty() && merchant != agent->merchantId)
        throw UsageError(QStringLiteral("agent %1 works for %2, not %3").arg(agentId, agent->merchantId, merchant));
    return security::becomeAgent(conn, agentId);  // from here on the connection is the agent's role (RLS)
}

std::unique_ptr<ingest::Embedder> embedderFor(db::PgConnection& conn, const QString& merchantId)
{
    if (const auto corpus = retrieval::loadLiveCorpus(conn, merchantId))
        return retrieval::makeEmbedderFor(conn, merchantId, *corpus);
    return ingest::embedderForLoad(conn, merchantId, ingest::EmbedderConfig::fromEnvironment());
}

std::unique_ptr<retrieval::Reranker> rerankerFrom(const QCommandLineParser& parser)
{
    const QString url = parser.value(QStringLiteral("reranker-url"));
    if (url.isEmpty())
        return nullptr;
    retrieval::HttpRerankerConfig config;
    config.url = QUrl(url);
    if (!config.url.isValid() || config.url.scheme().isEmpty())
        throw UsageError(QStringLiteral("--reranker-url is not a URL"));
    config.model = parser.value(QStringLiteral("reranker-model"));
    const QString flavor = parser.value(QStringLiteral("reranker-flavor"));
    if (flavor == QLatin1String("tei"))
        config.flavor = retrieval::HttpRerankerConfig::Flavor::Tei;
    else if (flavor != QLatin1String("cohere") && flavor != QLatin1String("jina"))
        throw UsageError(QStringLiteral("--reranker-flavor must be cohere, jina or tei"));
    config.apiKey = QProcessEnvironment::systemEnvironment().value(QStringLiteral("AGENT_CONSOLE_RERANK_API_KEY"));
    return std::make_unique<retrieval::HttpReranker>(config);
}

agent::ContextPack buildContextPack(db::PgConnection& conn, const QCommandLineParser& parser, const QString& message,
                                    const retrieval::RetrievalOptions& options)
{
    const retrieval::AgentIdentity agent = loadAgent(conn, parser);
    auto embedder = embedderFor(conn, agent.merchantId);
    auto reranker = rerankerFrom(parser);
    return agent::ContextPackBuilder(conn, *embedder, reranker.get()).build(agent, message, options);
}

QString textArgument(const QCommandLineParser& parser, const QString& what)
{
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        throw UsageError(QStringLiteral("give exactly one %1 (quote it)").arg(what));
    if (positional.front() != QLatin1String("-"))
        return positional.front();
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        throw UsageError(QStringLiteral("cannot read standard input"));
    return QString::fromUtf8(in.readAll());
}

} // namespace ac::cli
