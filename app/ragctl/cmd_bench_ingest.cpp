#include "cli_support.h"
#include "command_registry.h"
#include "ingest_bench.h"
#include "ingest_cli.h"

namespace ac::cli {
namespace {

QString line(const QString& label, const ac::bench::PathTiming& t)
{
    return QStringLiteral("%1 %2 chunks in %3 s = %4 chunks/s")
        .arg(label.leftJustified(34))
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
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Synthetic corpus seed (default 42)."), QStringLiteral("n"),
                      QStringLiteral("42")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Bulk path: chunks per transaction (default 2000)."),
                      QStringLiteral("n"), QStringLiteral("2000")});
    parser.addOption({QStringLiteral("skip-row-by-row"), QStringLiteral("Only run the bulk path.")});
    parser.addOption({QStringLiteral("skip-index"), QStringLiteral("Do not build the HNSW index.")});
    parser.addOption({QStringLiteral("keep"), QStringLiteral("Keep the ac_bench schema afterwards.")});
    parseOrThrow(parser, args, QStringLiteral("Ingest benchmark: synthetic documents loaded by the row-by-row INSERT "
                                              "loop and by the bulk path (binary COPY + merge), side by side, "
                                              "end to end including hash embedding; then the HNSW build. Uses a "
                                              "scratch schema ac_bench."));
    ac::bench::IngestBenchOptions options;
    options.chunks = intOption(parser, QStringLiteral("chunks"), 1, 100000000);
    options.seed = parser.value(QStringLiteral("seed")).toULongLong();
    options.batchChunks = intOption(parser, QStringLiteral("batch"), 1, 1000000);
    options.rowByRow = !parser.isSet(QStringLiteral("skip-row-by-row"));
    options.buildIndex = !parser.isSet(QStringLiteral("skip-index"));
    options.keepSchema = parser.isSet(QStringLiteral("keep"));

    bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    ProgressBar bar;
    const ac::bench::IngestBenchReport r =
        ac::bench::runIngestBench(conn, prepared.conninfo, options, [&](const ingest::LoadProgress& p) { bar(p); });
    bar.finish();

    out() << "corpus: " << r.documents << " synthetic documents, " << r.chunks << " chunks (chunked in "
          << QString::number(r.chunkingSeconds, 'f', 2) << " s)\n";
    out() << line(QStringLiteral("hash embedder alone (1 thread):"), r.hashEmbedOnly) << '\n';
    if (r.rowByRow)
        out() << line(QStringLiteral("row-by-row INSERT (embed+write):"), *r.rowByRow) << '\n';
    out() << line(QStringLiteral("bulk COPY+merge (embed+write):"), r.bulk) << '\n';
    out() << line(QStringLiteral("bulk re-run (unchanged):"), r.bulkRerun) << '\n';
    if (r.rowByRow && r.rowByRow->chunksPerSec() > 0)
        out() << "bulk / row-by-row: " << QString::number(r.bulk.chunksPerSec() / r.rowByRow->chunksPerSec(), 'f', 2)
              << "x\n";
    if (r.indexSeconds)
        out() << "HNSW build (app.chunk_graph_definition(), maintenance_work_mem=1GB): "
              << QString::number(*r.indexSeconds, 'f', 1) << " s, index " << r.indexSize << '\n';
    out().flush();
    return 0;
}

const CommandRegistrar kBenchIngest("bench-ingest", "benchmark bulk COPY ingest against a row-by-row INSERT loop",
                                    &runBenchIngest);

} // namespace
} // namespace ac::cli
