#pragma once

#include "agent/context_pack.h"
#include "agent/reply_draft.h"
#include "db/pg_connection.h"
#include "retrieval/retrieval_types.h"

#include <QString>

#include <vector>

namespace ac::security {

// One retrieval as the audit trail records it. The query text itself is not stored (it is a
// customer's message): only its SHA-256 and length.
struct AuditEntry {
    QString agentId;     // checked against the session's role; required when the owner records
    QString merchantId;  // likewise
    QString query;
    QString mode;     // "vector" | "lexical" | "hybrid"
    int k = 0;
    std::vector<qint64> chunkIds;  // in rank order
};

// Appends to retrieval_audit through app.record_retrieval(): the server fills in who (the
// session's role and login), when, and the merchant, from its own identity of the caller.
// Returns the audit row id. Throws db::DbError 42501 when the role may not record as that agent.
// Outside a transaction it commits its own, asynchronously (synchronous_commit = off).
qint64 recordRetrieval(db::PgConnection& conn, const AuditEntry& entry);

// The hook the retriever calls once per answered request.
qint64 recordRetrieval(db::PgConnection& conn, const retrieval::RetrievalRequest& request,
                       const retrieval::RetrievalResult& result);

// Appends the draft shown to the agent to draft_audit through app.record_draft(), with the pack it
// came from (its citations and chunk ids), what it cited and what was removed, generator, model,
// latency and flags; the message only as SHA-256 and length. Same identity rules and commit mode
// as recordRetrieval.
qint64 recordDraft(db::PgConnection& conn, const agent::ContextPack& pack, const agent::ReplyDraft& draft);

} // namespace ac::security
