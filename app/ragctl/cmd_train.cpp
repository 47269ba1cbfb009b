#include "cli_support.h"
#include "command_registry.h"
#include "ingest/corpus_embedder.h"
#include "ingest/corpus_model_store.h"
#include "ingest/corpus_training.h"
#include "ingest/corpus_version.h"
#include "ingest_cli.h"

namespace ac::cli {
namespace {

int runTrain(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOption({QStringLiteral("merchant"), QStringLiteral("Merchant whose corpus the model learns (required)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("dims"), QStringLiteral("Model dimensions (default 384)."), QStringLiteral("n")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed of the factorisation (default fixed)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("max-texts"), QStringLiteral("Train on at most this many chunks, sampled evenly "
                                                                 "(default 200000)."),
                      QStringLiteral("n")});
    parser.addOption({QStringLiteral("no-reembed"), QStringLiteral("Only train and store the model; keep the live corpus.")});
    parseOrThrow(parser, args, QStringLiteral("Train a corpus embedding model on a merchant's live chunks, store it, and "
                                              "re-embed the corpus with it: the new version is built beside the live "
                                              "one and switched atomically."));
    const QString merchant = requiredMerchant(parser);
    ingest::CorpusModelOptions options;
    if (parser.isSet(QStringLiteral("dims")))
        options.dims = intOption(parser, QStringLiteral("dims"), 2, 2000);
    if (parser.isSet(QStringLiteral("seed")))
        options.seed = static_cast<std::uint64_t>(intOption(parser, QStringLiteral("seed"), 0, 2000000000));
    if (parser.isSet(QStringLiteral("max-texts")))
        options.maxTrainingTexts = intOption(parser, QStringLiteral("max-texts"), 1, 100000000);

    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    ProgressBar bar;
    const ingest::TrainedModel trained =
        ingest::trainMerchantModel(conn, merchant, options, [&](const ingest::LoadProgress& p) { bar(p); });
    bar.finish();
    out() << "trained " << ingest::CorpusModel::kModelName << " for " << merchant << ": " << trained.model->dims()
          << " dims, " << trained.model->vocabularySize() << " features from " << trained.model->trainingTexts()
          << " chunks in " << QString::number(trained.seconds, 'f', 2) << " s; model " << trained.checksum.left(12)
          << Qt::endl;
    if (parser.isSet(QStringLiteral("no-reembed")))
        return 0;
    ingest::CorpusEmbedder embedder(trained.model);
    ingest::ReembedJob job(conn, embedder, merchant);
    ProgressBar reembedBar;
    job.setProgress([&](const ingest::LoadProgress& p) { reembedBar(p); });
    const ingest::ReembedResult r = job.run();
    reembedBar.finish();
    if (r.toVersion == r.fromVersion)
        out() << "corpus version " << r.fromVersion << " already uses this model; nothing to re-embed" << Qt::endl;
    else
        out() << "corpus version " << r.toVersion << " (" << r.chunks << " chunks) is live; version " << r.fromVersion
              << " dropped, in " << QString::number(r.seconds, 'f', 2) << " s" << Qt::endl;
    return 0;
}

int runModel(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOption({QStringLiteral("merchant"), QStringLiteral("Merchant whose models are shown (required)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("neighbours"), QStringLiteral("Show the live model's nearest words to this word."),
                      QStringLiteral("word")});
    parseOrThrow(parser, args, QStringLiteral("Show a merchant's trained embedding models and which one is live."));
    const QString merchant = requiredMerchant(parser);
    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    ingest::requireMerchant(conn, merchant);
    const std::optional<ingest::CorpusVersion> live = ingest::liveCorpus(conn, merchant);
    if (live)
        out() << "live corpus version " << live->version << ": " << live->spec.provider << '/' << live->spec.model << ", "
              << live->spec.dims << " dims, version " << live->spec.version.left(12) << '\n';
    const std::vector<ingest::CorpusModelInfo> models = ingest::listCorpusModels(conn, merchant);
    if (models.empty())
        out() << "no trained models (ragctl train --merchant " << merchant << ")\n";
    for (const ingest::CorpusModelInfo& m : models)
        out() << (live && live->spec.version == m.checksum ? "* " : "  ") << m.checksum.left(12) << "  " << m.modelName
              << "  " << m.dims << " dims  " << m.vocabularySize << " features  " << m.trainingTexts << " chunks  "
              << QString::number(m.trainingSeconds, 'f', 2) << " s  " << m.createdAt << '\n';
    if (parser.isSet(QStringLiteral("neighbours"))) {
        if (!live || live->spec.provider != QLatin1String(ingest::CorpusEmbedder::kProvider))
            throw UsageError(QStringLiteral("merchant %1's live corpus is not embedded with a trained model").arg(merchant));
        const auto model = ingest::loadCorpusModel(conn, merchant, live->spec.version, true);
        const QString word = parser.value(QStringLiteral("neighbours"));
        const auto neighbours = model->nearestWords(word, 10);
        if (neighbours.empty())
            out() << "the model knows nothing of \"" << word << "\"\n";
        for (const auto& n : neighbours)
            out() << "  " << QString::number(n.similarity, 'f', 3) << "  " << n.word << '\n';
    }
    out().flush();
    return 0;
}

const CommandRegistrar kTrain("train", "train a merchant's corpus embedding model and re-embed into it", &runTrain);
const CommandRegistrar kModel("model", "show a merchant's trained models (and a word's nearest words)", &runModel);

} // namespace
} // namespace ac::cli
