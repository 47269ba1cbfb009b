#pragma once

#include "retrieval/leg_query.h"

namespace ac::retrieval {

// The lexical leg: Okapi BM25 over the chunks of the same merchant/version/ACL scope as the vector
// leg, computed in the database from the version's own term statistics (migration 013). `text` is
// what to search for (the query's terms); empty: nothing to match, the caller skips the leg.
LegQuery lexicalLegQuery(const LegScope& scope, const QString& text, int limit, const Bm25Options& bm25);

std::vector<RetrievedChunk> runLexicalLeg(db::PgConnection& conn, const LegQuery& query);

} // namespace ac::retrieval
