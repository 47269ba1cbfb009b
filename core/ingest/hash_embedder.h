#pragma once

#include "ingest/embedder.h"

namespace ac::ingest {

// An offline LEXICAL embedding, not a semantic one: the features of lexical_features.h, each
// weighing its kind's weight * (1 + ln tf), signed-hashed into `dims` buckets and L2-normalised.
// Cosine similarity rewards shared words, phrases and word fragments, but "refund" and "money
// back" are unrelated to it. Needs no training; CorpusEmbedder learns meaning from a corpus.
class HashEmbedder : public Embedder {
public:
    static constexpr const char* kModel = "ac-lexical-hash-v1";
    static constexpr const char* kVersion = "1";

    explicit HashEmbedder(int dims = 1536);

    EmbeddingSpec spec() const override;
    std::vector<Embedding> embed(const QStringList& texts) override;
    bool threadSafe() const override { return true; }
    Embedding embedOne(const QString& text) const;

private:
    int dims_;
};

} // namespace ac::ingest
