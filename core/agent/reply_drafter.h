#pragma once

#include "agent/chat_client.h"

namespace ac::agent {

// Drafts the agent's reply from the pack: with `llm` (configured), a streamed completion of
// draftPrompt(pack) whose pieces go to onDelta as they arrive; without one, or when the endpoint
// fails, the template reply (flag "template", and `error` says what failed). Either way the draft
// is checked against the pack before it is returned (checkCitations); a broken stream is flagged
// "truncated", a cancelled one "cancelled".
ReplyDraft draftReply(const ContextPack& pack, const ChatClient* llm,
                      const std::function<void(const QString&)>& onDelta = {}, const std::atomic<bool>* cancel = nullptr);

} // namespace ac::agent
