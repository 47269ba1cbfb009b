#pragma once

#include "ingest/embedder.h"

#include <QProcessEnvironment>

#include <optional>

namespace ac::ingest {

// Which embedder to use. The default is `corpus`: a model trained offline on each merchant's own
// chunks (corpus_training.h); `hash` (1536 dimensions, no training) and `openai` (an
// OpenAI-compatible endpoint) are the others. AGENT_CONSOLE_EMBEDDER / _EMBED_URL / _EMBED_MODEL /
// _EMBED_DIMS and OPENAI_API_KEY override. `dims` is the hash or endpoint's size; a corpus model
// has its own (384) unless AGENT_CONSOLE_EMBED_DIMS is set.
struct EmbedderConfig {
    QString provider = QStringLiteral("corpus");
    QString model;           // empty: the provider's default
    int dims = 1536;
    QString url;             // openai: base URL, e.g. http://localhost:11434/v1
    QString apiKey;          // openai: never logged
    int timeoutMs = 30000;
    int batchSize = 64;
    int maxRetries = 4;
    int initialBackoffMs = 500;  // doubles per retry; a Retry-After header wins
    std::optional<bool> sendDimensions;  // openai: send "dimensions"; unset: only for text-embedding-3-*

    static EmbedderConfig fromEnvironment(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
};

std::unique_ptr<Embedder> makeEmbedder(const EmbedderConfig& config);

} // namespace ac::ingest
