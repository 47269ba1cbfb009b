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

    bool matches(const ingest::EmbeddingSpec& spec) const
    {
        return spec.provider == provider && spec.model == model && spec.dims == dims;
    }
};

std::optional<LiveCorpus> loadLiveCorpus(db::PgConnection& conn, const QString& merchantId);

} // namespace ac::retrieval

#include "ingest/embedder_factory.h"

namespace ac::retrieval {

// An embedder for the corpus's provider, model and dimensions; endpoint and key come from `base`.
std::unique_ptr<ingest::Embedder> makeEmbedderFor(const LiveCorpus& corpus,
                                                  ingest::EmbedderConfig base = ingest::EmbedderConfig::fromEnvironment());

} // namespace ac::retrieval
