#pragma once

#include "ingest/embedder.h"

namespace ac::ingest {

// The offline default: a LEXICAL embedding, not a semantic one. Text is case-folded, accents are
// stripped and it is cut into words; three feature families are hashed (64-bit FNV-1a + mixer)
// into `dims` buckets with a hash-derived sign (signed feature hashing):
//   - word unigrams, lightly stemmed ("refunds" -> "refund"), English stop words dropped  (w 1.0)
//   - bigrams of consecutive non-stop stems                                               (w 0.5)
//   - character trigrams of each non-stop word with boundary marks ("<pa", "pas", ...)    (w 0.25)
// Each feature weighs w * (1 + ln tf) (sublinear term frequency); the vector is L2-normalised.
// So cosine similarity rewards shared words, shared phrases and shared word fragments, but
// "refund" and "money back" are unrelated to it. Deterministic across runs and machines.
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
