#pragma once

#include "db/pg_connection.h"
#include "eval/beir_dataset.h"
#include "eval/bm25_index.h"
#include "eval/eval_run.h"
#include "eval/metrics.h"
#include "ingest/chunk.h"
#include "ingest/embedder_factory.h"
#include "retrieval/retrieval_types.h"

#include <QStringList>

#include <functional>
#include <optional>

namespace ac::eval {

// A configuration to measure: a retrieval mode with or without the second stage.
struct ModeSpec {
    QString name;  // "vector", "lexical", "hybrid", "hybrid+rerank"
    retrieval::Mode mode = retrieval::Mode::Hybrid;
    bool rerank = false;
};

// "vector" | "lexical" | "hybrid" | "hybrid+rerank"; nullopt for anything else.
std::optional<ModeSpec> modeSpecFromName(const QString& name);
QStringList defaultModeNames();

struct EvalOptions {
    QStringList modes = defaultModeNames();
    bool bm25Baseline = true;
    Bm25Params bm25;
    MetricCutoffs cutoffs;
    retrieval::RetrievalOptions search;  // the product's defaults; mode, rerank and k are set per run
    ingest::ChunkerOptions chunker;
    int maxQueries = 0;       // 0: every judged query
    bool keepCorpus = false;  // leave the scratch merchant in the database
    std::function<void(const QString&)> progress;
    // Called once per query and mode with the document ranking it produced, for per-query logs.
    std::function<void(const QString& mode, const BeirQuery& query, const QStringList& ranked, const QueryScores& scores)> onQuery;
};

// Runs a BEIR dataset end to end: loads the corpus into a scratch merchant through the normal
// ingest path, asks every query through the normal retrieval path once per mode (plus the
// in-memory BM25 baseline over title + text), and returns the run with its full configuration.
class EvalRunner {
public:
    // The corpus is embedded as `embedder` says (the corpus provider trains on it first).
    EvalRunner(db::PgConnection& conn, ingest::EmbedderConfig embedder) : conn_(conn), embedder_(std::move(embedder)) {}

    EvalRun run(const BeirDataset& dataset, const EvalOptions& options);

private:
    db::PgConnection& conn_;
    ingest::EmbedderConfig embedder_;
};

} // namespace ac::eval
