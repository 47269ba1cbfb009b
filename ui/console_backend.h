#pragma once

#include "console_types.h"
#include "db/pg_connection.h"

#include <atomic>
#include <functional>

#include <memory>

namespace ac::ui {

// What the console asks of the core library, on the worker thread, over the agent's connection.
// One seam, so the GUI can be driven by the real retrieval stack or by a test double that only
// changes what `ask` runs (e.g. pg_sleep, to prove cancellation).
class ConsoleBackend {
public:
    virtual ~ConsoleBackend() = default;
    virtual AskAnswer ask(db::PgConnection& conn, const retrieval::AgentIdentity& agent, const QString& message,
                          const retrieval::RetrievalOptions& options) = 0;
    virtual SourceDocument loadSource(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                      const QString& sourceType, const QString& sourceId);
    virtual ServerVersions versions(db::PgConnection& conn);
    // The suggested reply for an answered message: streamed pieces go to onDelta; *stop ends it.
    // The default is the offline template composer, unaudited (test doubles).
    virtual agent::ReplyDraft draft(db::PgConnection& conn, const agent::ContextPack& pack,
                                    const std::function<void(const QString&)>& onDelta, const std::atomic<bool>* stop);
    // The recall-drift monitor's probe of an answer just given (retrieval::probeRecall); the
    // default does nothing (test doubles).
    virtual void probeRecall(db::PgConnection& /*conn*/, const retrieval::RetrievalRequest& /*request*/,
                             const retrieval::Diagnostics& /*answered*/) {}
    // A second session of the same agent that later asks may use beside the first; null: none.
    virtual void useSideSession(db::PgConnection* /*side*/) {}
    // When `ask` reads a replica: the agent's session on the primary, for the audit. Null: none.
    virtual void useAuditSession(db::PgConnection* /*audit*/) {}
};

using BackendFactory = std::function<std::unique_ptr<ConsoleBackend>()>;

// The backend over the shared core: context pack (orders, ticket history) and hybrid retrieval
// with EXPLAIN captured.
std::unique_ptr<ConsoleBackend> makeCoreBackend();

} // namespace ac::ui
