#include "agent/reply_drafter.h"

#include <QElapsedTimer>

namespace ac::agent {

ReplyDraft draftReply(const ContextPack& pack, const ChatClient* llm, const std::function<void(const QString&)>& onDelta,
                      const std::atomic<bool>* cancel)
{
    QElapsedTimer clock;
    clock.start();
    QString error;
    if (llm && llm->config().configured()) {
        try {
            const ChatResult result = llm->complete(draftPrompt(pack), onDelta, cancel);
            ReplyDraft draft;
            draft.generator = QStringLiteral("llm");
            draft.model = llm->config().model;
            draft.text = result.text.trimmed();
            draft.firstTokenMs = result.firstTokenMs;
            draft.totalMs = clock.nsecsElapsed() / 1e6;
            if (result.cancelled)
                draft.flags << QStringLiteral("cancelled");
            else if (!result.complete || result.finishReason == QLatin1String("length"))
                draft.flags << QStringLiteral("truncated");
            checkCitations(draft, pack);
            return draft;
        } catch (const ChatError& e) {
            error = QString::fromUtf8(e.what());
        }
    }
    ReplyDraft draft = composeTemplateReply(pack);
    draft.error = error;
    draft.totalMs = draft.firstTokenMs = clock.nsecsElapsed() / 1e6;
    return draft;
}

} // namespace ac::agent
