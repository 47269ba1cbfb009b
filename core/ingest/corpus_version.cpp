#include "ingest/corpus_version.h"

#include "ingest/ingest_error.h"
#include "ingest/ingest_sql.h"

namespace ac::ingest {

namespace {

constexpr const char* kSelectLive =
    "SELECT version, embedding_provider, embedding_model, embedding_dims, embedding_version, chunker_version, state "
    "FROM corpus_versions WHERE merchant_id = $1 AND state = 'live'";
constexpr const char* kCreateFirst =
    "INSERT INTO corpus_versions (merchant_id, version, embedding_provider, embedding_model, embedding_dims, "
    " embedding_version, chunker_version, state, activated_at) "
    "SELECT $1, 1, $2, $3, $4, $5, $6, 'live', now() "
    "WHERE NOT EXISTS (SELECT 1 FROM corpus_versions WHERE merchant_id = $1) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kMerchantExists = "SELECT 1 FROM merchants WHERE id = $1";

} // namespace

std::optional<CorpusVersion> liveCorpus(db::PgConnection& conn, const QString& merchantId)
{
    const db::PgResult r = conn.exec(kSelectLive, db::PgParams().add(merchantId));
    if (r.empty())
        return std::nullopt;
    CorpusVersion v;
    v.version = static_cast<int>(r.integer(0, 0));
    v.spec = {r.text(0, 1), r.text(0, 2), static_cast<int>(r.integer(0, 3)), r.text(0, 4)};
    v.chunkerVersion = r.text(0, 5);
    v.state = r.text(0, 6);
    return v;
}

void requireMerchant(db::PgConnection& conn, const QString& merchantId)
{
    if (merchantId.isEmpty())
        throw IngestError(QStringLiteral("no merchant given (use --merchant)"));
    if (conn.exec(kMerchantExists, db::PgParams().add(merchantId)).empty())
        throw IngestError(QStringLiteral("unknown merchant \"%1\": create it first (ragctl seed loads the demo "
                                         "merchants)").arg(merchantId));
}

void checkCompatible(const CorpusVersion& live, const EmbeddingSpec& spec, const QString& merchantId)
{
    if (live.spec.provider == spec.provider && live.spec.model == spec.model && live.spec.dims == spec.dims
        && live.spec.version == spec.version)
        return;
    throw IngestError(QStringLiteral("merchant %1's live corpus (version %2) was embedded with %3/%4 (%5 dims, v%9) "
                                     "but this load uses %6/%7 (%8 dims, v%10); vectors from different models cannot be "
                                     "mixed. Switch the corpus first: ragctl reembed --merchant %1 --provider %6 "
                                     "--model %7, or load with the corpus's embedder.")
                          .arg(merchantId)
                          .arg(live.version)
                          .arg(live.spec.provider, live.spec.model)
                          .arg(live.spec.dims)
                          .arg(spec.provider, spec.model)
                          .arg(spec.dims)
                          .arg(live.spec.version, spec.version));
}

CorpusVersion ensureLiveCorpus(db::PgConnection& conn, const QString& merchantId, const EmbeddingSpec& spec,
                               const QString& chunkerVersion)
{
    requireMerchant(conn, merchantId);
    std::optional<CorpusVersion> live = liveCorpus(conn, merchantId);
    if (!live) {
        conn.exec(kCreateFirst, db::PgParams()
                                    .add(merchantId)
                                    .add(spec.provider)
                                    .add(spec.model)
                                    .add(spec.dims)
                                    .add(spec.version)
                                    .add(chunkerVersion));
        live = liveCorpus(conn, merchantId);
        if (!live)
            throw IngestError(QStringLiteral("merchant %1 has corpus versions but none is live: finish or restart "
                                             "the re-embed (ragctl reembed)").arg(merchantId));
    }
    checkCompatible(*live, spec, merchantId);
    return *live;
}

void lockMerchantCorpus(db::PgConnection& conn, const QString& merchantId, CorpusLock mode)
{
    conn.exec(mode == CorpusLock::Shared ? sql::kLockCorpusSharedForTransaction : sql::kLockCorpusForTransaction,
              db::PgParams().add(merchantId));
}

} // namespace ac::ingest
