#include "ingest/corpus_embedder.h"

namespace ac::ingest {

CorpusEmbedder::CorpusEmbedder(std::shared_ptr<const CorpusModel> model) : model_(std::move(model))
{
    spec_ = {QString::fromLatin1(kProvider), QString::fromLatin1(CorpusModel::kModelName), model_->dims(),
             model_->checksum()};
}

std::vector<Embedding> CorpusEmbedder::embed(const QStringList& texts)
{
    std::vector<Embedding> out;
    out.reserve(static_cast<size_t>(texts.size()));
    for (const QString& text : texts)
        out.push_back(model_->embed(text));
    return out;
}

} // namespace ac::ingest
