#pragma once

#include "ingest/embedder.h"
#include "ingest/embedder_factory.h"

#include <QByteArray>

namespace ac::ingest {

// Any OpenAI-compatible POST {url}/embeddings endpoint (OpenAI, Ollama, vLLM, TEI) over Qt Network.
// Sends batches of config.batchSize texts; retries 429, 5xx, timeouts and refused connections with
// exponential backoff (honouring Retry-After); refuses vectors whose dimension is not config.dims;
// returns unit-normalised vectors. Blocks the calling thread (runs a local event loop), so call it
// from a worker thread in the GUI. Each request has its own network manager and event loop on the
// calling thread, so any thread may call it (the bulk loader embeds the next batch on a worker
// while it writes the current one).
class OpenAiEmbedder : public Embedder {
public:
    static constexpr const char* kVersion = "openai-compat-1";
    static constexpr const char* kDefaultUrl = "https://api.openai.com/v1";
    static constexpr const char* kDefaultModel = "text-embedding-3-small";

    explicit OpenAiEmbedder(EmbedderConfig config);

    EmbeddingSpec spec() const override;
    std::vector<Embedding> embed(const QStringList& texts) override;
    bool threadSafe() const override { return true; }

    QString endpoint() const;

private:
    struct Reply {
        int status = 0;          // HTTP status; 0 when no response arrived
        QByteArray body;
        QString networkError;    // empty on success
        bool retryable = false;
        int retryAfterMs = -1;
    };

    std::vector<Embedding> embedBatch(const QStringList& batch);
    Reply post(const QByteArray& body) const;
    std::vector<Embedding> parse(const QByteArray& body, qsizetype expected) const;

    EmbedderConfig config_;
};

} // namespace ac::ingest
