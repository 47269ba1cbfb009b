#pragma once

#include "db/pg_connection.h"
#include "ingest/corpus_model.h"
#include "ingest/embedder_factory.h"
#include "ingest/reembed_job.h"

#include <memory>
#include <optional>

namespace ac::ingest {

struct TrainedModel {
    std::shared_ptr<const CorpusModel> model;
    QString checksum;
    double seconds = 0.0;
};

// Trains a corpus model on these texts and stores it for the merchant.
TrainedModel trainModel(db::PgConnection& conn, const QString& merchantId, const QStringList& texts,
                        const CorpusModelOptions& options = {}, const ProgressFn& progress = {});

// Trains a corpus model on the merchant's live chunks (heading path + text, as they are embedded)
// and stores it (embedding_models). Deterministic for the same chunks and options. Throws
// IngestError when the merchant has no live corpus.
TrainedModel trainMerchantModel(db::PgConnection& conn, const QString& merchantId,
                                const CorpusModelOptions& options = {}, const ProgressFn& progress = {});

// The embedder a corpus version was built with: its trained model (found by the checksum in
// spec.version), the hash embedder at its dimensions, or the configured endpoint for its model.
std::unique_ptr<Embedder> embedderForSpec(db::PgConnection& conn, const QString& merchantId, const EmbeddingSpec& spec,
                                          EmbedderConfig base = EmbedderConfig::fromEnvironment());

// The embedder that new chunks of a merchant get under `config`. For the corpus provider that is
// the live version's model. A merchant with no corpus yet gets a model trained on `firstTexts`
// (the embed texts of the chunks about to be loaded, Chunk::embedText()), stored before the load;
// with none given, the hash embedder stands in and trainIfNeeded() replaces it after the load.
std::unique_ptr<Embedder> embedderForLoad(db::PgConnection& conn, const QString& merchantId, const EmbedderConfig& config,
                                          const QStringList& firstTexts = {});

// Under the corpus provider, a merchant whose live corpus is not embedded with a trained model
// gets one: trained on its chunks, then the corpus re-embedded into a new version and switched
// atomically (ReembedJob). Nothing happens for other providers or when the model exists.
std::optional<ReembedResult> trainIfNeeded(db::PgConnection& conn, const QString& merchantId,
                                           const EmbedderConfig& config, const ProgressFn& progress = {});

} // namespace ac::ingest
