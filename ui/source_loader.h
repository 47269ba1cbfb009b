#pragma once

#include "console_types.h"
#include "db/pg_connection.h"

namespace ac::ui {

// The whole document or ticket conversation behind a chunk, read with the agent's own connection
// and ACL, so a source the agent may not read is never shown.
SourceDocument loadSourceDocument(db::PgConnection& conn, const retrieval::AgentIdentity& agent,
                                  const QString& sourceType, const QString& sourceId);

} // namespace ac::ui
