#pragma once

#include "ingest/corpus_model.h"

#include <memory>

namespace ac::ingest {

// The offline default: vectors from a CorpusModel trained on the merchant's own corpus. Its spec's
// version is the model's checksum, so every chunk records exactly which trained model embedded it
// and a query is embedded with the same one (corpus_model_store.h).
class CorpusEmbedder : public Embedder {
public:
    static constexpr const char* kProvider = "corpus";

    explicit CorpusEmbedder(std::shared_ptr<const CorpusModel> model);

    EmbeddingSpec spec() const override { return spec_; }
    std::vector<Embedding> embed(const QStringList& texts) override;
    bool threadSafe() const override { return true; }
    const CorpusModel& model() const { return *model_; }

private:
    std::shared_ptr<const CorpusModel> model_;
    EmbeddingSpec spec_;
};

} // namespace ac::ingest
