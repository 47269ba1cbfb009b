#include "cli_support.h"
#include "command_registry.h"
#include "ingest_bench.h"
#include "ingest_cli.h"

namespace ac::cli {
namespace {

QString line(const QString& label, const ac::bench::PathTiming& t)
{
    return QStringLiteral("%1 %2 chunks in %3 s = %4 chunks/s")
        .arg(label.leftJustified(44))
        .arg(t.chunks)
        .arg(QString::number(t.seconds, 'f', 2).rightJustified(7))
        .arg(QString::number(t.chunksPerSec(), 'f', 0).rightJustified(7));
}

int runBenchIngest(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    parser.addOption({QStringLiteral("chunks"), QStringLiteral("At least this many chunks (default 100000)."),
                      QStringLiteral("n"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("small-docs"), QStringLiteral("One-sentence documents for the second run (default "
                                                                   "10000; 0 skips it)."),
                      QStringLiteral("n"), QStringLiteral("10000")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Synthetic corpus seed (default 42)."), QStringLiteral("n"),
                      QStringLiteral("42")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Bulk path: chunks per transaction (default 2000)."),
                      QStringLiteral("n"), QStringLiteral("2000")});
    parser.addOption({QStringLiteral("skip-row-by-row"), QStringLiteral("Only run the bulk path.")});
    parseOrThrow(parser, args, QStringLiteral(
        "Ingest benchmark: synthetic documents loaded by the seed's row-by-row INSERT loop and by the product's "
        "bulk path (ragctl load), side by side, into scratch merchants of the real schema, end to end: both embed "
        "with one corpus model trained on the corpus first, and each ends with its HNSW graph built. Then "
        "one-sentence documents through ragctl load's path. The scratch merchants (bench-ingest-*) are removed."));
    ac::bench::IngestBenchOptions options;
    options.chunks = intOption(parser, QStringLiteral("chunks"), 1, 100000000);
    options.smallDocuments = intOption(parser, QStringLiteral("small-docs"), 0, 10000000);
    options.seed = parser.value(QStringLiteral("seed")).toULongLong();
    options.batchChunks = intOption(parser, QStringLiteral("batch"), 1, 1000000);
    options.rowByRow = !parser.isSet(QStringLiteral("skip-row-by-row"));

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    ProgressBar bar;
    const ac::bench::IngestBenchReport r =
        ac::bench::runIngestBench(conn, prepared.conninfo, options, [&](const ingest::LoadProgress& p) { bar(p); });
    bar.finish();

    const auto seconds = [](double s) { return QString::number(s, 'f', 2); };
    out() << "corpus: " << r.documents << " synthetic documents, " << r.chunks << " chunks (chunked in "
          << seconds(r.chunkingSeconds) << " s); corpus model trained on them in " << seconds(r.trainingSeconds)
          << " s (" << r.dims << " dims)\n";
    out() << line(QStringLiteral("corpus embedder alone (1 thread):"), r.embedOnly) << '\n';
    if (r.rowByRow)
        out() << line(QStringLiteral("row-by-row INSERT, graph kept (embed+write):"), *r.rowByRow) << '\n';
    out() << line(QStringLiteral("bulk (ragctl load: COPY + merge + graph):"), r.bulk) << "  (graph build "
          << seconds(r.bulk.graphSeconds) << " s, " << r.graphSize << ")\n";
    out() << line(QStringLiteral("bulk re-run (unchanged):"), r.bulkRerun) << '\n';
    if (r.rowByRow && r.rowByRow->chunksPerSec() > 0)
        out() << "bulk / row-by-row: " << QString::number(r.bulk.chunksPerSec() / r.rowByRow->chunksPerSec(), 'f', 2)
              << "x\n";
    if (r.small) {
        out() << r.small->documents << " one-sentence documents: model trained in " << seconds(r.small->trainingSeconds)
              << " s; loaded in " << seconds(r.small->load.seconds) << " s = "
              << QString::number(r.small->documentsPerSec(), 'f', 0) << " documents/s (written at "
              << QString::number(r.small->writeDocumentsPerSec(), 'f', 0) << " documents/s, then the graph in "
              << seconds(r.small->load.graphSeconds) << " s); with training "
              << QString::number(r.small->documents / (r.small->trainingSeconds + r.small->load.seconds), 'f', 0)
              << " documents/s\n";
    }
    if (r.smallIntoLarge)
        out() << "the same documents into the " << r.chunks << "-chunk merchant (graph kept): "
              << seconds(r.smallIntoLarge->seconds) << " s = "
              << QString::number(r.smallIntoLarge->chunksPerSec(), 'f', 0) << " documents/s\n";
    out().flush();
    return 0;
}

const CommandRegistrar kBenchIngest("bench-ingest", "benchmark the bulk loader against a row-by-row INSERT loop",
                                    &runBenchIngest);

} // namespace
} // namespace ac::cli
