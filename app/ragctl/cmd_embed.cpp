#include "bench_corpus.h"
#include "cli_support.h"
#include "command_registry.h"
#include "db/pg_params.h"
#include "ingest/embedder_factory.h"
#include "ingest_cli.h"
#include "retrieval/live_corpus.h"

namespace ac::cli {
namespace {

// One line per text: its number and its embedding in pgvector's text form, ready for
// `\copy <table> FROM ...` (bench/graph_recall.sql loads the benchmark's queries this way).
int runEmbed(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("text"), QStringLiteral("Texts to embed."), QStringLiteral("[text...]"));
    addDatabaseOptions(parser);
    addEmbedderOptions(parser);
    parser.addOption({QStringLiteral("merchant"), QStringLiteral("Embed with the model of this merchant's live corpus."),
                      QStringLiteral("id")});
    parser.addOption({QStringLiteral("bench-queries"),
                      QStringLiteral("Embed the first n queries of `ragctl bench-retrieval` instead."), QStringLiteral("n")});
    parser.addOption({QStringLiteral("texts"), QStringLiteral("Print <n>\\t<text> instead of the embeddings (the same numbering).")});
    parseOrThrow(parser, args, QStringLiteral("Embed texts with the configured embedder (AGENT_CONSOLE_EMBEDDER) or a merchant's model, and print "
                                              "<n>\\t<vector> per text."));
    QStringList texts = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("bench-queries"))) {
        if (!texts.isEmpty())
            throw UsageError(QStringLiteral("give texts or --bench-queries, not both"));
        texts = bench::makeQueries(intOption(parser, QStringLiteral("bench-queries"), 1, 100000), bench::CorpusSpec{});
    }
    if (texts.isEmpty())
        throw UsageError(QStringLiteral("nothing to embed: give texts or --bench-queries n"));
    if (parser.isSet(QStringLiteral("texts"))) {
        for (qsizetype i = 0; i < texts.size(); ++i)
            out() << i << '\t' << texts[i] << '\n';
        out().flush();
        return 0;
    }
    std::unique_ptr<ingest::Embedder> embedder;
    if (parser.isSet(QStringLiteral("merchant"))) {
        bootstrap::PreparedDatabase prepared = openDatabase(parser, false);
        db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
        const QString merchant = parser.value(QStringLiteral("merchant"));
        const auto corpus = retrieval::loadLiveCorpus(conn, merchant);
        if (!corpus)
            throw UsageError(QStringLiteral("merchant %1 has no live corpus").arg(merchant));
        embedder = retrieval::makeEmbedderFor(conn, merchant, *corpus);
    } else {
        embedder = ingest::makeEmbedder(embedderConfig(parser));
    }
    const std::vector<ingest::Embedding> vectors = embedder->embed(texts);
    for (size_t i = 0; i < vectors.size(); ++i)
        out() << i << '\t' << db::PgParams::vectorLiteral(vectors[i]) << '\n';
    out().flush();
    return 0;
}

const CommandRegistrar kEmbed("embed", "print the embeddings of texts (or of the benchmark's queries)", &runEmbed);

} // namespace
} // namespace ac::cli
