#pragma once

#include "db/pg_connection.h"
#include "ingest/embedder.h"
#include "ingest/embedder_factory.h"
#include "ingest/prepared_source.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <functional>
#include <random>
#include <vector>

namespace ac::cli::bench {

// The synthetic multi-tenant corpus the retrieval benchmark runs on: merchants "bm000".. with
// skewed sizes (a few large tenants, many small ones), per merchant an Alice-like staff agent
// (sees every topic) and a Bob-like contractor (topic:refund only, about 1/8 of the rows),
// customers, orders and tickets, and support documents in eight topics.
struct CorpusSpec {
    qint64 chunks = 100000;      // target; the loader reports what it wrote
    int merchants = 40;
    int bigMerchants = 2;
    double bigShare = 0.6;       // share of all chunks held by the big merchants
    quint64 seed = 42;
};

struct BenchMerchant {
    QString id;
    qint64 targetChunks = 0;
    QString alice;  // agent ids
    QString bob;
    QStringList orderNumbers;
};

std::vector<BenchMerchant> planCorpus(const CorpusSpec& spec);

// --chunks, --merchants, --big-merchants, --big-share, shared by the commands that build this corpus.
void addCorpusSpecOptions(QCommandLineParser& parser, const QString& defaultChunks);
CorpusSpec corpusSpecOptions(const QCommandLineParser& parser);

// The database role of a bench agent; the benchmark queries as that role, under row-level security.
QString benchRole(const QString& agentId);

// The merchant's support documents, chunked as the benchmark loads them (about targetChunks chunks).
std::vector<ingest::PreparedSource> merchantDocuments(const BenchMerchant& merchant, std::mt19937_64& rng);

struct LoadedCorpus {
    qint64 chunks = 0;
    double trainingSeconds = 0;  // corpus models trained on each tenant's first load (0 for other providers)
};

// Writes merchants, agents, customers, orders and documents; documents go through the ingest
// bulk loader (chunking, embedding, COPY) as `ragctl load` sends them, with the embedder it would
// use: under the corpus provider each tenant's model is trained on its documents first. Graphs
// are left to the caller.
LoadedCorpus loadCorpus(db::PgConnection& conn, const QString& conninfo, const ingest::EmbedderConfig& config,
                        const CorpusSpec& spec, const std::vector<BenchMerchant>& merchants,
                        const std::function<void(const QString&)>& progress);

// Queries in the vocabulary of the corpus generated from spec.seed: short questions, pasted
// customer messages, identifiers. The same for the same seed (`ragctl embed --bench-queries`).
QStringList makeQueries(int count, const CorpusSpec& spec);
// A customer message naming one of the merchant's orders, for the context-pack benchmark.
QString makeCustomerMessage(const BenchMerchant& merchant, std::mt19937_64& rng);

} // namespace ac::cli::bench
