#include "ingest/corpus_training.h"

#include "ingest/chunk.h"
#include "ingest/corpus_embedder.h"
#include "ingest/corpus_model_store.h"
#include "ingest/corpus_version.h"
#include "ingest/hash_embedder.h"
#include "ingest/ingest_error.h"

#include <QElapsedTimer>

namespace ac::ingest {

namespace {

constexpr const char* kTrainingTexts =
    "SELECT heading_path, chunk_text FROM chunks WHERE merchant_id = $1 AND corpus_version = $2 ORDER BY id";

bool isCorpus(const QString& provider) { return provider == QLatin1String(CorpusEmbedder::kProvider); }

CorpusModelOptions modelOptions(const EmbedderConfig& config)
{
    CorpusModelOptions options;
    if (config.dims != EmbedderConfig().dims)  // AGENT_CONSOLE_EMBED_DIMS set: the model's size too
        options.dims = config.dims;
    return options;
}

} // namespace

TrainedModel trainMerchantModel(db::PgConnection& conn, const QString& merchantId, const CorpusModelOptions& options,
                                const ProgressFn& progress)
{
    requireMerchant(conn, merchantId);
    const std::optional<CorpusVersion> live = liveCorpus(conn, merchantId);
    if (!live)
        throw IngestError(QStringLiteral("merchant %1 has no live corpus to train on: load documents first").arg(merchantId));
    const db::PgResult rows = conn.exec(kTrainingTexts, db::PgParams().add(merchantId).add(live->version));
    QStringList texts;
    texts.reserve(rows.rows());
    for (int r = 0; r < rows.rows(); ++r)
        texts << Chunk::composeEmbedText(rows.text(r, 0), rows.text(r, 1));
    return trainModel(conn, merchantId, texts, options, progress);
}

TrainedModel trainModel(db::PgConnection& conn, const QString& merchantId, const QStringList& texts,
                        const CorpusModelOptions& options, const ProgressFn& progress)
{
    QElapsedTimer timer;
    timer.start();
    auto model = std::make_shared<const CorpusModel>(CorpusModel::train(texts, options, progress));
    TrainedModel trained{model, QString(), timer.nsecsElapsed() / 1e9};
    trained.checksum = saveCorpusModel(conn, merchantId, *model, trained.seconds);
    return trained;
}

std::unique_ptr<Embedder> embedderForSpec(db::PgConnection& conn, const QString& merchantId, const EmbeddingSpec& spec,
                                          EmbedderConfig base)
{
    if (isCorpus(spec.provider))
        return std::make_unique<CorpusEmbedder>(loadCorpusModel(conn, merchantId, spec.version));
    base.provider = spec.provider;
    base.model = spec.model;
    base.dims = spec.dims;
    return makeEmbedder(base);
}

std::unique_ptr<Embedder> embedderForLoad(db::PgConnection& conn, const QString& merchantId, const EmbedderConfig& config,
                                          const QStringList& firstTexts)
{
    if (!isCorpus(config.provider))
        return makeEmbedder(config);
    if (const std::optional<CorpusVersion> live = liveCorpus(conn, merchantId))
        return embedderForSpec(conn, merchantId, live->spec, config);  // untrained: trainIfNeeded() moves it
    if (firstTexts.isEmpty())
        return std::make_unique<HashEmbedder>();
    requireMerchant(conn, merchantId);
    return std::make_unique<CorpusEmbedder>(trainModel(conn, merchantId, firstTexts, modelOptions(config)).model);
}

std::optional<ReembedResult> trainIfNeeded(db::PgConnection& conn, const QString& merchantId,
                                           const EmbedderConfig& config, const ProgressFn& progress)
{
    if (!isCorpus(config.provider))
        return std::nullopt;
    const std::optional<CorpusVersion> live = liveCorpus(conn, merchantId);
    if (!live || isCorpus(live->spec.provider))
        return std::nullopt;
    const TrainedModel trained = trainMerchantModel(conn, merchantId, modelOptions(config), progress);
    CorpusEmbedder embedder(trained.model);
    ReembedJob job(conn, embedder, merchantId);
    job.setProgress(progress);
    return job.run();
}

} // namespace ac::ingest
