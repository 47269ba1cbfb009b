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

std::unique_ptr<Embedder> embedderForLoad(db::PgConnection& conn, const QString& merchantId, const EmbedderConfig& config)
{
    if (!isCorpus(config.provider))
        return makeEmbedder(config);
    if (const std::optional<CorpusVersion> live = liveCorpus(conn, merchantId))
        return embedderForSpec(conn, merchantId, live->spec, config);  // untrained: trainIfNeeded() moves it
    return std::make_unique<HashEmbedder>();
}

std::optional<ReembedResult> trainIfNeeded(db::PgConnection& conn, const QString& merchantId,
                                           const EmbedderConfig& config, const ProgressFn& progress)
{
    if (!isCorpus(config.provider))
        return std::nullopt;
    const std::optional<CorpusVersion> live = liveCorpus(conn, merchantId);
    if (!live || isCorpus(live->spec.provider))
        return std::nullopt;
    CorpusModelOptions options;
    if (config.dims != EmbedderConfig().dims)  // AGENT_CONSOLE_EMBED_DIMS set: the model's size too
        options.dims = config.dims;
    const TrainedModel trained = trainMerchantModel(conn, merchantId, options, progress);
    CorpusEmbedder embedder(trained.model);
    ReembedJob job(conn, embedder, merchantId);
    job.setProgress(progress);
    return job.run();
}

} // namespace ac::ingest
