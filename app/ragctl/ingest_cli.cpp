#include "ingest_cli.h"

#include "cli_support.h"
#include "ingest/bulk_loader.h"
#include "ingest/corpus_training.h"

#include <QElapsedTimer>

#include <cmath>

#include <unistd.h>

namespace ac::cli {

void addEmbedderOptions(QCommandLineParser& parser)
{
    parser.addOption({QStringLiteral("provider"), QStringLiteral("Embedding provider: corpus (a model trained on the merchant's "
                                                                 "own corpus, the default), hash or openai."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("model"), QStringLiteral("Embedding model (openai: e.g. text-embedding-3-small)."),
                      QStringLiteral("model")});
    parser.addOption({QStringLiteral("url"), QStringLiteral("openai: base URL of an OpenAI-compatible API, e.g. "
                                                            "http://localhost:11434/v1. The key comes from OPENAI_API_KEY."),
                      QStringLiteral("url")});
    parser.addOption({QStringLiteral("dims"), QStringLiteral("Vector dimensions (hash: 1536; corpus: the model's, 384)."),
                      QStringLiteral("n")});
}

ingest::EmbedderConfig embedderConfig(const QCommandLineParser& parser)
{
    ingest::EmbedderConfig config = ingest::EmbedderConfig::fromEnvironment();
    if (parser.isSet(QStringLiteral("provider"))) {
        config.provider = parser.value(QStringLiteral("provider")).toLower();
        config.model.clear();
    }
    if (parser.isSet(QStringLiteral("model")))
        config.model = parser.value(QStringLiteral("model"));
    if (parser.isSet(QStringLiteral("url")))
        config.url = parser.value(QStringLiteral("url"));
    if (parser.isSet(QStringLiteral("dims")))
        config.dims = intOption(parser, QStringLiteral("dims"), 1, 16000);
    return config;
}

void addSourceOptions(QCommandLineParser& parser)
{
    parser.addOption({QStringLiteral("merchant"), QStringLiteral("Merchant the sources belong to (required)."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("acl"), QStringLiteral("Comma-separated ACL tokens replacing each source's own "
                                                            "(e.g. role:staff,topic:refund)."),
                      QStringLiteral("tokens")});
    parser.addOption({QStringLiteral("add-acl"), QStringLiteral("Comma-separated ACL tokens added to each source's own."),
                      QStringLiteral("tokens")});
    parser.addOption({QStringLiteral("sync"), QStringLiteral("The source is the truth: delete the merchant's stored sources it "
                                                             "does not have, with their chunks, in the load's last transaction.")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("With --sync: list what would be deleted; write nothing.")});
    parser.addOption({QStringLiteral("graphs"), QStringLiteral("HNSW graphs during the load: auto (built once after a load "
                                                               "larger than what is stored, the default), defer (always "
                                                               "after) or keep (every chunk inserted into them)."),
                      QStringLiteral("policy"), QStringLiteral("auto")});
    parser.addOption({QStringLiteral("allow-mass-delete"), QStringLiteral("With --sync: allow deleting every stored source, or "
                                                                          "more than half of them.")});
}

QString requiredMerchant(const QCommandLineParser& parser)
{
    const QString merchant = parser.value(QStringLiteral("merchant")).trimmed();
    if (merchant.isEmpty())
        throw UsageError(QStringLiteral("--merchant is required"));
    return merchant;
}

QStringList applyAclOptions(const QCommandLineParser& parser, QStringList acl)
{
    auto tokens = [&](const char* name) {
        QStringList out;
        for (const QString& t : parser.value(QLatin1String(name)).split(QLatin1Char(','), Qt::SkipEmptyParts))
            out << t.trimmed();
        return out;
    };
    if (parser.isSet(QStringLiteral("acl"))) {
        acl = tokens("acl");
        if (acl.isEmpty())
            throw UsageError(QStringLiteral("--acl needs at least one token"));
    }
    for (const QString& t : tokens("add-acl"))
        if (!acl.contains(t))
            acl << t;
    return acl;
}

namespace {
QString clock(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("?");
    const qint64 s = static_cast<qint64>(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

void ProgressBar::operator()(const ingest::LoadProgress& p)
{
    if (::isatty(STDERR_FILENO) != 1)
        return;  // piped or redirected: the summary line on stdout says what was done
    const qint64 ms = static_cast<qint64>(p.elapsedSec * 1000);
    const bool complete = p.total > 0 && p.done >= p.total;
    if (p.phase == lastPhase_ && lastMs_ >= 0 && (lastComplete_ || (!complete && ms - lastMs_ < 200)))
        return;
    lastComplete_ = complete;
    if (p.phase != lastPhase_ && drawn_)
        err() << '\n';
    lastPhase_ = p.phase;
    lastMs_ = ms;
    const double fraction = p.total > 0 ? std::min(1.0, static_cast<double>(p.done) / p.total) : 0.0;
    const int filled = static_cast<int>(fraction * 30);
    err() << '\r' << p.phase.leftJustified(12) << " [" << QString(filled, QLatin1Char('#'))
          << QString(30 - filled, QLatin1Char('.')) << "] " << QString::number(fraction * 100, 'f', 0).rightJustified(3)
          << "%  " << p.done << '/' << p.total << "  " << QString::number(p.ratePerSec, 'f', 0) << "/s  ETA "
          << clock(p.etaSec) << "   ";
    err().flush();
    drawn_ = true;
}

void ProgressBar::finish()
{
    if (drawn_)
        err() << Qt::endl;
    drawn_ = false;
}

void printResult(const ingest::IngestResult& result, int sources, const QString& noun, double seconds)
{
    const int chunks = result.chunksWritten + result.chunksUnchanged;
    out() << "loaded " << sources << ' ' << noun << " (" << chunks << " chunks: " << result.chunksWritten << " written, "
          << result.chunksUnchanged << " unchanged, " << result.chunksDeleted << " deleted, " << result.chunksEmbedded
          << " embedded) into corpus version " << result.corpusVersion << " in " << QString::number(seconds, 'f', 2)
          << " s" << Qt::endl;
    if (result.sourcesDeleted > 0)
        out() << "deleted " << result.sourcesDeleted << ' ' << noun << " the source no longer has" << Qt::endl;
    if (result.graphsBuilt > 0)
        out() << "built " << result.graphsBuilt << " HNSW graph(s) after the load in "
              << QString::number(result.graphSeconds, 'f', 2) << " s (included above)" << Qt::endl;
}

void bulkLoad(const QCommandLineParser& parser, const QString& merchant, std::vector<ingest::PreparedSource> sources,
              const ingest::WriteOptions& options, int batch, const QString& noun, ingest::SourceKind kind)
{
    const bool sync = parser.isSet(QStringLiteral("sync"));
    if (!sync && (parser.isSet(QStringLiteral("dry-run")) || parser.isSet(QStringLiteral("allow-mass-delete"))))
        throw UsageError(QStringLiteral("--dry-run and --allow-mass-delete go with --sync"));
    const int count = static_cast<int>(sources.size());
    const std::optional<ingest::GraphPolicy> graphPolicy = ingest::parseGraphPolicy(parser.value(QStringLiteral("graphs")));
    if (!graphPolicy)
        throw UsageError(QStringLiteral("--graphs is auto, defer or keep (got \"%1\")").arg(parser.value(QStringLiteral("graphs"))));
    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    std::optional<ingest::SyncPlan> plan;
    if (sync) {
        QStringList keep;
        for (const ingest::PreparedSource& s : sources)
            keep << s.id();
        plan = ingest::planSync(conn, merchant, kind, keep);
        if (parser.isSet(QStringLiteral("dry-run"))) {
            for (const QString& id : plan->vanished)
                out() << "would delete " << id << '\n';
            out() << "dry run: " << count << ' ' << noun << " in the source, " << plan->stored << " stored, "
                  << plan->vanished.size() << " would be deleted; nothing was written" << Qt::endl;
            return;
        }
        ingest::SyncGuard guard;
        guard.allowMassDelete = parser.isSet(QStringLiteral("allow-mass-delete"));
        ingest::checkSyncGuard(*plan, guard);
    }
    const ingest::EmbedderConfig config = embedderConfig(parser);
    auto embedder = ingest::embedderForLoad(conn, merchant, config, ingest::embedTexts(sources));
    ingest::BulkLoader loader(conn, *embedder, options, batch);
    loader.setConninfo(prepared.conninfo);
    loader.setGraphPolicy(*graphPolicy);
    if (plan)
        loader.setSync(*plan);
    ProgressBar bar;
    loader.setProgress([&](const ingest::LoadProgress& p) { bar(p); });
    QElapsedTimer timer;
    timer.start();
    const ingest::IngestResult result = loader.load(merchant, std::move(sources));
    bar.finish();
    printResult(result, count, noun, timer.nsecsElapsed() / 1e9);
    ProgressBar training;
    if (const auto trained = ingest::trainIfNeeded(conn, merchant, config, [&](const ingest::LoadProgress& p) { training(p); })) {
        training.finish();
        out() << "trained merchant " << merchant << "'s corpus model and switched to corpus version " << trained->toVersion
              << " (" << trained->chunks << " chunks) in " << QString::number(trained->seconds, 'f', 2) << " s" << Qt::endl;
    }
}

} // namespace ac::cli
