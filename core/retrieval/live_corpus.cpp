#include "retrieval/live_corpus.h"

#include "ingest/corpus_training.h"
#include "retrieval/query_sql.h"

namespace ac::retrieval {

std::optional<LiveCorpus> loadLiveCorpus(db::PgConnection& conn, const QString& merchantId)
{
    const db::PgResult r = conn.exec(sql::kLiveCorpus, db::PgParams().add(merchantId));
    if (r.empty())
        return std::nullopt;
    LiveCorpus c;
    c.version = static_cast<int>(r.integer(0, "version"));
    c.provider = r.text(0, "embedding_provider");
    c.model = r.text(0, "embedding_model");
    c.dims = static_cast<int>(r.integer(0, "embedding_dims"));
    c.embeddingVersion = r.text(0, "embedding_version");
    return c;
}

} // namespace ac::retrieval

namespace ac::retrieval {

std::unique_ptr<ingest::Embedder> makeEmbedderFor(db::PgConnection& conn, const QString& merchantId, const LiveCorpus& corpus,
                                                  ingest::EmbedderConfig base)
{
    return ingest::embedderForSpec(conn, merchantId, corpus.spec(), std::move(base));
}

} // namespace ac::retrieval
