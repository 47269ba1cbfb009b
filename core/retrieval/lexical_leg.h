#pragma once

#include "retrieval/leg_query.h"

namespace ac::retrieval {

// The lexical leg: full-text match of the query's terms chosen by planLexicalQuery, ranked by
// ts_rank_cd, on the same merchant/version/ACL-filtered rows as the vector leg. `tsQuery` empty:
// nothing to match, the caller skips the leg.
LegQuery lexicalLegQuery(const LegScope& scope, const QString& tsQuery, int limit, int matchCap);

std::vector<RetrievedChunk> runLexicalLeg(db::PgConnection& conn, const LegQuery& query);

} // namespace ac::retrieval
