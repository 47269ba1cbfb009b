#include "cli_support.h"
#include "command_registry.h"
#include "ingest/reembed_job.h"
#include "ingest_cli.h"

namespace ac::cli {
namespace {

int runReembed(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addEmbedderOptions(parser);
    parser.addOption({QStringLiteral("merchant"), QStringLiteral("Merchant whose corpus is re-embedded (required)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Chunks per embedding call and COPY (default 256)."),
                      QStringLiteral("n"), QStringLiteral("256")});
    parseOrThrow(parser, args, QStringLiteral("Switch a merchant's corpus to another embedding model: the new version "
                                              "is built beside the live one, then switched atomically; the old one "
                                              "is dropped."));
    if (!parser.isSet(QStringLiteral("provider")))
        throw UsageError(QStringLiteral("--provider is required (hash or openai; for corpus: ragctl train)"));
    const QString merchant = requiredMerchant(parser);
    const int batch = intOption(parser, QStringLiteral("batch"), 1, 100000);
    if (embedderConfig(parser).provider == QLatin1String("corpus"))
        throw UsageError(QStringLiteral("a corpus model is trained on the corpus: ragctl train --merchant %1").arg(merchant));

    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    auto embedder = ingest::makeEmbedder(embedderConfig(parser));
    ingest::ReembedJob job(conn, *embedder, merchant, batch);
    ProgressBar bar;
    job.setProgress([&](const ingest::LoadProgress& p) { bar(p); });
    const ingest::ReembedResult r = job.run();
    bar.finish();
    const ingest::EmbeddingSpec spec = embedder->spec();
    if (r.toVersion == r.fromVersion)
        out() << "merchant " << merchant << " already uses " << spec.provider << '/' << spec.model
              << " (corpus version " << r.fromVersion << "); nothing to do" << Qt::endl;
    else
        out() << "merchant " << merchant << ": corpus version " << r.toVersion << " (" << spec.provider << '/'
              << spec.model << ", " << r.chunks << " chunks) is live; version " << r.fromVersion << " dropped, in "
              << QString::number(r.seconds, 'f', 2) << " s" << Qt::endl;
    return 0;
}

const CommandRegistrar kReembed("reembed", "re-embed a merchant's corpus with another model, switching atomically",
                                &runReembed);

} // namespace
} // namespace ac::cli
