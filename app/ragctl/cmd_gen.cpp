#include "cli_support.h"
#include "command_registry.h"
#include "synthetic_corpus.h"

namespace ac::cli {
namespace {

int runGen(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("out"), QStringLiteral("Folder to write (created)."), QStringLiteral("dir")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 42)."), QStringLiteral("n"), QStringLiteral("42")});
    parser.addOption({QStringLiteral("merchants"), QStringLiteral("Number of merchants (default 10)."), QStringLiteral("n"),
                      QStringLiteral("10")});
    parser.addOption({QStringLiteral("docs"), QStringLiteral("Mean documents per merchant (default 20)."), QStringLiteral("n"),
                      QStringLiteral("20")});
    parser.addOption({QStringLiteral("tickets"), QStringLiteral("Mean tickets per merchant (default 50)."), QStringLiteral("n"),
                      QStringLiteral("50")});
    parser.addOption({QStringLiteral("skew"), QStringLiteral("Zipf exponent of merchant sizes (default 1.1; 0 = equal)."),
                      QStringLiteral("x"), QStringLiteral("1.1")});
    parseOrThrow(parser, args, QStringLiteral("Generate a synthetic support corpus (merchants, agents, customers, "
                                              "Markdown documents, tickets) in the fixture layout, deterministic from "
                                              "the seed. Load it with: ragctl seed --fixtures <dir>"));
    if (!parser.isSet(QStringLiteral("out")))
        throw UsageError(QStringLiteral("--out is required"));
    bool ok = false;
    ac::bench::SyntheticOptions options;
    options.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError(QStringLiteral("--seed must be a whole number"));
    options.merchants = intOption(parser, QStringLiteral("merchants"), 1, 9999);
    options.documentsPerMerchant = intOption(parser, QStringLiteral("docs"), 1, 1000000);
    options.ticketsPerMerchant = intOption(parser, QStringLiteral("tickets"), 1, 1000000);
    options.skew = parser.value(QStringLiteral("skew")).toDouble(&ok);
    if (!ok || options.skew < 0 || options.skew > 5)
        throw UsageError(QStringLiteral("--skew must be a number from 0 to 5"));
    const ac::bench::SyntheticCorpus corpus(options);
    const int files = corpus.writeTree(parser.value(QStringLiteral("out")));
    int documents = 0, tickets = 0;
    for (int m = 0; m < corpus.merchantCount(); ++m) {
        documents += corpus.documentCount(m);
        tickets += corpus.ticketCount(m);
    }
    out() << "wrote " << files << " files: " << corpus.merchantCount() << " merchants, " << documents << " documents, "
          << tickets << " tickets under " << parser.value(QStringLiteral("out")) << Qt::endl;
    return 0;
}

const CommandRegistrar kGen("gen", "generate a synthetic corpus (fixture layout) from a seed", &runGen);

} // namespace
} // namespace ac::cli
