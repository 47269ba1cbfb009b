#pragma once

#include "agent/context_pack.h"
#include "db/pg_connection.h"
#include "ingest/embedder.h"

#include <memory>

namespace ac::retrieval {
class PathEstimateCache;
class Reranker;
}

namespace ac::agent {

// Assembles the context for one pasted customer message: extracts order numbers and customer
// references, looks up the orders, the customers' ACL-filtered ticket history and the top chunks
// for the message. Blocking; same threading rules as retrieval::Retriever.
class ContextPackBuilder {
public:
    // Without an embedder, queries use the one of the corpus they search (retrieval::Retriever).
    explicit ContextPackBuilder(db::PgConnection& conn, retrieval::Reranker* reranker = nullptr)
        : conn_(conn), reranker_(reranker) {}
    ContextPackBuilder(db::PgConnection& conn, ingest::Embedder& embedder, retrieval::Reranker* reranker = nullptr)
        : conn_(conn), embedder_(&embedder), reranker_(reranker) {}

    // A second session of the same agent, for retrieval's legs to run side by side
    // (Retriever::setSideSession). Not owned; null: one session.
    void setSideSession(db::PgConnection* side) { side_ = side; }
    // The agent's session on the primary for the audit, when reads go to a replica
    // (Retriever::setAuditSession). Not owned; null: the first session.
    void setAuditSession(db::PgConnection* audit) { audit_ = audit; }
    // Planner estimates kept across builds of one agent session (Retriever::setEstimateCache).
    void setEstimateCache(std::shared_ptr<retrieval::PathEstimateCache> cache) { estimates_ = std::move(cache); }

    ContextPack build(const retrieval::AgentIdentity& agent, const QString& message,
                      const retrieval::RetrievalOptions& options = {});

private:
    db::PgConnection& conn_;
    db::PgConnection* side_ = nullptr;
    db::PgConnection* audit_ = nullptr;
    ingest::Embedder* embedder_ = nullptr;
    retrieval::Reranker* reranker_;
    std::shared_ptr<retrieval::PathEstimateCache> estimates_;
};

} // namespace ac::agent
