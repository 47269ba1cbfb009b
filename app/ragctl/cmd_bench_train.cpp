#include "bench_corpus.h"
#include "cli_support.h"
#include "command_registry.h"
#include "ingest/corpus_model.h"

#include <QElapsedTimer>

#include <sys/resource.h>

namespace ac::cli {
namespace {

double peakRssMiB()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
}

// The training cost of the corpus models at the retrieval benchmark's scale: the same generator and
// tenant sizes as `ragctl bench-retrieval`, one model per merchant, trained in memory (no database).
int runBenchTrain(const QStringList& args)
{
    QCommandLineParser parser;
    bench::addCorpusSpecOptions(parser, QStringLiteral("1000000"));
    parseOrThrow(parser, args, QStringLiteral(
        "Corpus-model training cost at the retrieval benchmark's scale: per merchant the chunks are generated, the "
        "model trained (sampling at most 200,000 texts) and timed; prints time per merchant, the total, and the "
        "process's peak memory."));
    const bench::CorpusSpec spec = bench::corpusSpecOptions(parser);

    std::mt19937_64 rng(spec.seed);
    double total = 0;
    double slowest = 0;
    qint64 chunks = 0;
    out() << "merchant     chunks  trained-on  features  seconds  peak-MiB\n";
    for (const bench::BenchMerchant& m : bench::planCorpus(spec)) {
        const QStringList texts = ingest::embedTexts(bench::merchantDocuments(m, rng));
        QElapsedTimer timer;
        timer.start();
        const ingest::CorpusModelOptions options;
        const ingest::CorpusModel model = ingest::CorpusModel::train(texts, options);
        const double seconds = timer.nsecsElapsed() / 1e9;
        total += seconds;
        slowest = std::max(slowest, seconds);
        chunks += texts.size();
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n").arg(m.id, -8).arg(texts.size(), 10)
                     .arg(std::min<qsizetype>(texts.size(), options.maxTrainingTexts), 11).arg(model.vocabularySize(), 9)
                     .arg(seconds, 8, 'f', 2).arg(peakRssMiB(), 9, 'f', 0);
        out().flush();
    }
    out() << "total: " << chunks << " chunks, " << spec.merchants << " models in " << QString::number(total, 'f', 1)
          << " s (slowest " << QString::number(slowest, 'f', 1) << " s); peak memory "
          << QString::number(peakRssMiB(), 'f', 0) << " MiB\n";
    out().flush();
    return 0;
}

const CommandRegistrar kBenchTrain("bench-train", "benchmark corpus-model training at the retrieval benchmark's scale",
                                   &runBenchTrain);

} // namespace
} // namespace ac::cli
