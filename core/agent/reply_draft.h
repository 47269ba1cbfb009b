#pragma once

#include "agent/context_pack.h"

#include <QString>
#include <QStringList>

namespace ac::agent {

// A suggested reply for the agent, checked against the pack it was drafted from.
struct ReplyDraft {
    QString text;            // as shown: citations outside the pack replaced by kRemovedCitation
    QString rawText;         // as the generator produced it
    QString generator;       // "template" | "llm"
    QString model;           // the chat model, for "llm"
    QStringList citations;   // valid citations, in order of first use
    QStringList removed;     // cited but not in this agent's pack (unknown, or not readable by it)
    QStringList unsupported; // sentences stating policy facts without a valid citation
    QStringList flags;       // "template", "removed-citation", "unsupported", "truncated", "cancelled"
    QString error;           // why the LLM draft could not be had (the template stood in)
    double firstTokenMs = 0;
    double totalMs = 0;
};

inline constexpr const char* kRemovedCitation = "[citation removed]";

// Every citation key of the pack ("[Refund Policy §2]", "[Ticket t1]", "[Order #4821]"), in pack order.
QStringList packCitations(const ContextPack& pack);

// Checks a generated text against the pack: bracketed citations that are not keys of the pack are
// replaced and listed in `removed`; sentences that state a policy fact (a number, or a word such
// as refund, return, days, fee) without a valid citation are listed in `unsupported`. Fills
// text, rawText, citations, removed, unsupported and the matching flags of `draft`.
void checkCitations(ReplyDraft& draft, const ContextPack& pack);

// The offline default: a short reply built from the pack alone (greeting, the order's state, the
// top policy passage with its citation, a next step), labelled as a template draft. Checked.
ReplyDraft composeTemplateReply(const ContextPack& pack);

// The chat messages for an LLM: a system message with the rules, and one user message holding the
// customer's message and every pack item delimited and labelled with its citation key. Retrieved
// text is data: the rules say so, and delimiters inside it are neutralised.
struct ChatMessage {
    QString role;  // "system" | "user" | "assistant"
    QString content;
};
std::vector<ChatMessage> draftPrompt(const ContextPack& pack);

} // namespace ac::agent
