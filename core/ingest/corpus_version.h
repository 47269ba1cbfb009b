#pragma once

#include "db/pg_connection.h"
#include "ingest/embedder.h"

#include <optional>

namespace ac::ingest {

struct CorpusVersion {
    int version = 0;
    EmbeddingSpec spec;
    QString chunkerVersion;
    QString state;  // "building" | "live" | "retired"
};

// The version retrieval reads, if the merchant has one.
std::optional<CorpusVersion> liveCorpus(db::PgConnection& conn, const QString& merchantId);

// The live version, created as version 1 for `spec` when the merchant has none. Throws IngestError
// for an unknown merchant or when the live version was embedded with a different model or
// dimensions (the fix is `ragctl reembed`).
CorpusVersion ensureLiveCorpus(db::PgConnection& conn, const QString& merchantId, const EmbeddingSpec& spec,
                               const QString& chunkerVersion);

// Throws IngestError unless the merchant exists.
void requireMerchant(db::PgConnection& conn, const QString& merchantId);

// Throws IngestError when vectors of `spec` would be mixed into a live corpus embedded differently
// (any dimension count can be stored since migration 016).
void checkCompatible(const CorpusVersion& live, const EmbeddingSpec& spec, const QString& merchantId);

// Locks one merchant's corpus for the current transaction. Exclusive: alone (creating the first
// version, deferring graphs, sync deletes). Shared: beside other batch writes of the merchant, but
// never during a re-embed or an exclusive holder.
enum class CorpusLock { Exclusive, Shared };
void lockMerchantCorpus(db::PgConnection& conn, const QString& merchantId, CorpusLock mode = CorpusLock::Exclusive);

} // namespace ac::ingest
