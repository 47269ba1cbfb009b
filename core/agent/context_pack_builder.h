#pragma once

#include "agent/context_pack.h"
#include "db/pg_connection.h"
#include "ingest/embedder.h"

namespace ac::retrieval {
class Reranker;
}

namespace ac::agent {

// Assembles the context for one pasted customer message: extracts order numbers and customer
// references, looks up the orders, the customers' ACL-filtered ticket history and the top chunks
// for the message. Blocking; same threading rules as retrieval::Retriever.
class ContextPackBuilder {
public:
    ContextPackBuilder(db::PgConnection& conn, ingest::Embedder& embedder, retrieval::Reranker* reranker = nullptr)
        : conn_(conn), embedder_(embedder), reranker_(reranker) {}

    ContextPack build(const retrieval::AgentIdentity& agent, const QString& message,
                      const retrieval::RetrievalOptions& options = {});

private:
    db::PgConnection& conn_;
    ingest::Embedder& embedder_;
    retrieval::Reranker* reranker_;
};

} // namespace ac::agent
