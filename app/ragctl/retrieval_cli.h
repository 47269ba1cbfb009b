#pragma once

#include "agent/context_pack.h"
#include "db/pg_connection.h"
#include "ingest/embedder.h"
#include "retrieval/reranker.h"
#include "retrieval/retrieval_types.h"

#include <QCommandLineParser>

#include <memory>

namespace ac::cli {

// --agent, --merchant, --k, --mode, --candidates, --ef-search, --path, --no-iterative-scan,
// --max-scan-tuples, --no-rerank, --rrf-k, --vector-weight, --lexical-weight, --reranker-url,
// --reranker-model, --reranker-flavor: shared by query, explain and context.
void addRetrievalOptions(QCommandLineParser& parser, int defaultK);
retrieval::RetrievalOptions retrievalOptions(const QCommandLineParser& parser);

// The agent named by --agent, checked against --merchant when given. Switches `conn` (an owner
// connection) to the agent's database role, so everything after runs under row-level security.
retrieval::AgentIdentity loadAgent(db::PgConnection& conn, const QCommandLineParser& parser);

// The embedder matching the merchant's live corpus (env supplies endpoint and key).
std::unique_ptr<ingest::Embedder> embedderFor(db::PgConnection& conn, const QString& merchantId);

// The HTTP reranker when --reranker-url is set (key from AGENT_CONSOLE_RERANK_API_KEY), else null.
std::unique_ptr<retrieval::Reranker> rerankerFrom(const QCommandLineParser& parser);

// The context pack for `message` as the --agent sees it (context and draft): switches `conn` to
// the agent's role (loadAgent), then builds with `options` and the reranker the flags name.
agent::ContextPack buildContextPack(db::PgConnection& conn, const QCommandLineParser& parser, const QString& message,
                                    const retrieval::RetrievalOptions& options);

// The one positional argument (query or message); "-" reads standard input.
QString textArgument(const QCommandLineParser& parser, const QString& what);

} // namespace ac::cli
