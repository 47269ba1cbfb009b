#include "cli_support.h"
#include "command_registry.h"
#include "ingest/prepared_source.h"
#include "ingest/source_parsers.h"
#include "ingest_cli.h"

namespace ac::cli {
namespace {

int runLoadTickets(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addSourceOptions(parser);
    addEmbedderOptions(parser);
    parser.addOption({QStringLiteral("create-customers"),
                      QStringLiteral("Add customer ids the merchant does not know yet (name = id) instead of failing.")});
    parser.addOption({QStringLiteral("batch"), QStringLiteral("Chunks per transaction (default 2000)."), QStringLiteral("n"),
                      QStringLiteral("2000")});
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("tickets.jsonl or tickets.csv"));
    parseOrThrow(parser, args, QStringLiteral("Load support tickets (JSONL or CSV) for a merchant, one chunk per "
                                              "conversation turn. Re-running changes nothing."));
    if (parser.positionalArguments().size() != 1)
        throw UsageError(QStringLiteral("give exactly one .jsonl or .csv file"));
    const QString path = parser.positionalArguments().first();
    const QString merchant = requiredMerchant(parser);
    const int batch = intOption(parser, QStringLiteral("batch"), 1, 1000000);

    const QByteArray bytes = ingest::readSourceFile(path);
    std::vector<ingest::TicketSource> tickets;
    if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        tickets = ingest::parseTicketsCsv(bytes, path);
    else if (path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive) || path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        tickets = ingest::parseTicketsJsonl(bytes, path);
    else
        throw UsageError(QStringLiteral("%1: expected a .jsonl or .csv file").arg(path));
    std::vector<ingest::PreparedSource> sources;
    for (ingest::TicketSource& t : tickets) {
        t.merchantId = merchant;
        t.acl = applyAclOptions(parser, t.acl);
        sources.push_back(ingest::prepareTicket(t, ingest::ChunkerOptions{}));
    }

    ingest::WriteOptions options;
    options.createMissingCustomers = parser.isSet(QStringLiteral("create-customers"));
    bulkLoad(parser, merchant, std::move(sources), options, batch, QStringLiteral("tickets"), ingest::SourceKind::Ticket);
    return 0;
}

const CommandRegistrar kLoadTickets("load-tickets", "load support tickets (JSONL or CSV) for a merchant", &runLoadTickets);

} // namespace
} // namespace ac::cli
