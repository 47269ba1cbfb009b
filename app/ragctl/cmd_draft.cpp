#include "agent/reply_drafter.h"
#include "cli_support.h"
#include "command_registry.h"
#include "retrieval_cli.h"
#include "security/audit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ac::cli {
namespace {

QJsonObject draftToJson(const agent::ReplyDraft& d)
{
    return QJsonObject{{QStringLiteral("text"), d.text},
                       {QStringLiteral("generator"), d.generator},
                       {QStringLiteral("model"), d.model},
                       {QStringLiteral("citations"), QJsonArray::fromStringList(d.citations)},
                       {QStringLiteral("removed_citations"), QJsonArray::fromStringList(d.removed)},
                       {QStringLiteral("unsupported"), QJsonArray::fromStringList(d.unsupported)},
                       {QStringLiteral("flags"), QJsonArray::fromStringList(d.flags)},
                       {QStringLiteral("error"), d.error},
                       {QStringLiteral("first_token_ms"), d.firstTokenMs},
                       {QStringLiteral("total_ms"), d.totalMs}};
}

int runDraft(const QStringList& args)
{
    QCommandLineParser parser;
    addDatabaseOptions(parser);
    addRetrievalOptions(parser, 3);
    parser.addOptions({
        {QStringLiteral("json"), QStringLiteral("Print the draft and its checks as JSON.")},
        {QStringLiteral("template"), QStringLiteral("Use the offline template composer even when an LLM endpoint is configured.")},
    });
    parseOrThrow(parser, args, QStringLiteral(
        "Draft a reply to a pasted customer message from this agent's context pack, every citation checked against "
        "the pack. With AGENT_CONSOLE_LLM_URL (and AGENT_CONSOLE_LLM_MODEL, AGENT_CONSOLE_LLM_API_KEY) set, an "
        "OpenAI-compatible chat endpoint streams it; otherwise, or when the endpoint fails, the offline template "
        "composer writes it. Every draft is audited."));
    const QString message = textArgument(parser, QStringLiteral("message"));
    const retrieval::RetrievalOptions options = retrievalOptions(parser);
    bootstrap::PreparedDatabase prepared = openDatabase(parser);
    db::PgConnection conn = db::PgConnection::open(prepared.conninfo);
    const agent::ContextPack pack = buildContextPack(conn, parser, message, options);
    const agent::ChatClient llm(agent::ChatConfig::fromEnvironment());
    const bool json = parser.isSet(QStringLiteral("json"));
    const bool streamToTerminal = !json && !parser.isSet(QStringLiteral("template")) && llm.config().configured();
    const agent::ReplyDraft draft = agent::draftReply(pack, parser.isSet(QStringLiteral("template")) ? nullptr : &llm,
                                                      streamToTerminal ? std::function<void(const QString&)>(
                                                          [](const QString& piece) { err() << piece << Qt::flush; })
                                                                       : std::function<void(const QString&)>());
    security::recordDraft(conn, pack, draft);
    if (json) {
        out() << QJsonDocument(draftToJson(draft)).toJson(QJsonDocument::Indented);
    } else {
        if (streamToTerminal)
            err() << "\n\n";
        if (!draft.error.isEmpty())
            err() << "ragctl draft: the LLM endpoint failed (" << draft.error << "); this is the template draft\n";
        out() << (draft.generator == QLatin1String("template") ? "--- template draft (offline) ---\n"
                                                               : "--- draft by " + draft.model + " ---\n")
              << draft.text << "\n---\n";
        out() << "cited: " << (draft.citations.isEmpty() ? QStringLiteral("(none)") : draft.citations.join(QStringLiteral(", "))) << '\n';
        if (!draft.removed.isEmpty())
            out() << "removed (not in this agent's context): " << draft.removed.size() << " citation(s)\n";
        for (const QString& sentence : draft.unsupported)
            out() << "unsupported: " << sentence << '\n';
        if (!draft.flags.isEmpty())
            out() << "flags: " << draft.flags.join(QStringLiteral(", ")) << '\n';
    }
    out().flush();
    return 0;
}

const CommandRegistrar kDraft("draft", "draft a cited reply to a customer message (LLM or offline template)", &runDraft);

} // namespace
} // namespace ac::cli
