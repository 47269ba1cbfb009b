#pragma once

#include "db/pg_connection.h"

#include <QJsonObject>

namespace ac::eval {

// The HNSW index definitions on chunks (m, ef_construction as the server has them) and the
// pgvector and server versions, read from the catalog rather than assumed.
QJsonObject describeIndexes(db::PgConnection& conn);

// cpus and cpu_model, so latencies are read against the machine that produced them.
QJsonObject describeHost();

} // namespace ac::eval
