#pragma once

#include "db/pg_connection.h"

#include <QString>

namespace ac::loadtest {

// Concurrent ingest for a load test: `documents` synthetic documents (ids "loadtest-doc-...") bulk
// loaded into the merchant's live corpus version with its own embedder, as `ragctl load` does.
// Returns a one-line summary.
QString ingestDuringLoad(db::PgConnection& owner, const QString& merchantId, int documents, quint64 seed);

// Deletes every document a load test ingested, with its chunks (also those of a killed run).
void removeLoadDocuments(db::PgConnection& owner);

} // namespace ac::loadtest
