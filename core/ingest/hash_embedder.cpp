#include "ingest/hash_embedder.h"

#include "ingest/lexical_features.h"
#include "ingest/vector_math.h"

#include <algorithm>
#include <cmath>

namespace ac::ingest {

HashEmbedder::HashEmbedder(int dims) : dims_(dims)
{
    if (dims_ <= 0)
        throw EmbeddingError(QStringLiteral("hash embedder: dimensions must be positive, not %1").arg(dims_));
}

EmbeddingSpec HashEmbedder::spec() const
{
    return {QStringLiteral("hash"), QString::fromLatin1(kModel), dims_, QString::fromLatin1(kVersion)};
}

std::vector<Embedding> HashEmbedder::embed(const QStringList& texts)
{
    std::vector<Embedding> out;
    out.reserve(static_cast<size_t>(texts.size()));
    for (const QString& text : texts)
        out.push_back(embedOne(text));
    return out;
}

Embedding HashEmbedder::embedOne(const QString& text) const
{
    Embedding v(static_cast<size_t>(dims_), 0.0f);
    for (const FeatureCount& f : lexicalFeatures(text)) {
        const float weight = featureKindWeight(f.id) * (1.0f + std::log(static_cast<float>(f.count)));
        const size_t bucket = static_cast<size_t>((f.id >> 3) % static_cast<std::uint64_t>(dims_));
        v[bucket] += ((f.id >> 2) & 1) ? -weight : weight;
    }
    if (!normalizeL2(v)) {
        // No words at all: a fixed unit vector keeps cosine distance defined.
        std::fill(v.begin(), v.end(), 0.0f);
        v[0] = 1.0f;
    }
    return v;
}

} // namespace ac::ingest
