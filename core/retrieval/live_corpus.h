#pragma once

#include "db/pg_connection.h"
#include "ingest/embedder.h"

#include <optional>

namespace ac::retrieval {

// The corpus version retrieval reads for a merchant, and what embedded it.
struct LiveCorpus {
    int version = 0;
    QString provider;
    QString model;
    int dims = 0;
    QString embeddingVersion;  // a trained model's checksum

    ingest::EmbeddingSpec spec() const { return {provider, model, dims, embeddingVersion}; }
    bool matches(const ingest::EmbeddingSpec& spec) const
    {
        return spec.provider == provider && spec.model == model && spec.dims == dims
               && (embeddingVersion.isEmpty() || spec.version == embeddingVersion);
    }
};

std::optional<LiveCorpus> loadLiveCorpus(db::PgConnection& conn, const QString& merchantId);

} // namespace ac::retrieval

#include "ingest/embedder_factory.h"

namespace ac::retrieval {

// The embedder the corpus was built with: its trained model, or its provider, model and
// dimensions with endpoint and key from `base`.
std::unique_ptr<ingest::Embedder> makeEmbedderFor(db::PgConnection& conn, const QString& merchantId, const LiveCorpus& corpus,
                                                  ingest::EmbedderConfig base = ingest::EmbedderConfig::fromEnvironment());

} // namespace ac::retrieval
