#include "cli_support.h"
#include "command_registry.h"
#include "retrieval_cli.h"

#include <QJsonDocument>

namespace ac::cli {
namespace {

int runContext(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addRetrievalOptions(parser, 3);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the context pack as JSON.")});
    parseOrThrow(parser, args, QStringLiteral("Build the LLM-ready context for a pasted customer message: order facts, "
                                              "the customer's ticket history and the top chunks, each cited."));
    const QString message = textArgument(parser, QStringLiteral("message"));
    const retrieval::RetrievalOptions options = retrievalOptions(parser);
    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const agent::ContextPack pack = buildContextPack(conn, parser, message, options);
    if (parser.isSet(QStringLiteral("json")))
        out() << QJsonDocument(agent::contextPackToJson(pack)).toJson(QJsonDocument::Indented);
    else
        out() << agent::contextPackToText(pack) << '\n';
    out().flush();
    return 0;
}

const CommandRegistrar kContext("context", "assemble the cited agent context for a customer message", &runContext);

} // namespace
} // namespace ac::cli
