#pragma once

#include "db/pg_connection.h"
#include "ingest/embedder.h"
#include "retrieval/lexical_reranker.h"
#include "retrieval/retrieval_types.h"
#include "retrieval/vector_path.h"

#include <memory>
#include <stdexcept>

namespace ac::retrieval {

// A request retrieval cannot serve as asked (bad options, an embedder that does not match the
// merchant's live corpus); the message says what to change.
class RetrievalError : public std::runtime_error {
public:
    explicit RetrievalError(const QString& message) : std::runtime_error(message.toStdString()) {}
};

// The one retrieval API. Every candidate is restricted, inside the SQL, to the agent's merchant,
// the merchant's live corpus version and chunks whose acl overlaps the agent's tokens. Both legs
// run in one read-only transaction whose settings (SET LOCAL) end with it.
//
// Blocking; use it from one thread at a time with a connection of that thread. A statement
// cancelled through the connection's CancelHandle surfaces as DbError with isQueryCanceled().
class Retriever {
public:
    // Queries are embedded with the embedder of the corpus version they search (its trained model,
    // or its provider and model, configured from the environment). `embedder`, when given, is used
    // instead whenever it matches that version (tests and benchmarks bring their own).
    // reranker: the second stage; null means the built-in LexicalReranker. Not owned.
    explicit Retriever(db::PgConnection& conn, Reranker* reranker = nullptr);
    Retriever(db::PgConnection& conn, ingest::Embedder& embedder, Reranker* reranker = nullptr);

    // A second session of the same agent: the lexical leg then runs on it beside the vector leg,
    // both in one snapshot, so a retrieval waits for the slower leg instead of both. Each
    // retrieval checks that it runs as the same database role and otherwise throws RetrievalError.
    // Null: one session, legs one after the other. Not owned.
    void setSideSession(db::PgConnection* side) { side_ = side; }

    // Where the audit row goes when the legs read a read-only replica: a session of the same agent
    // on the primary. Null: the first session. Not owned.
    void setAuditSession(db::PgConnection* audit) { audit_ = audit; }

    // Planner estimates shared with other retrievers of the same agent session (a retriever made
    // per question then reuses them); by default each retriever keeps its own. Null: its own.
    void setEstimateCache(std::shared_ptr<PathEstimateCache> cache)
    {
        estimates_ = cache ? std::move(cache) : std::make_shared<PathEstimateCache>();
    }

    RetrievalResult retrieve(const RetrievalRequest& request);

private:
    std::shared_ptr<PathEstimateCache> estimates_ = std::make_shared<PathEstimateCache>();

    db::PgConnection& conn_;
    db::PgConnection* side_ = nullptr;
    db::PgConnection* audit_ = nullptr;
    ingest::Embedder* embedder_ = nullptr;
    Reranker* reranker_;
    LexicalReranker lexicalReranker_;
};

} // namespace ac::retrieval
