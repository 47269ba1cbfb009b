#pragma once

#include "retrieval/retrieval_types.h"

#include <vector>

namespace ac::retrieval {

// Keeps the ranking but lets at most `maxPerSource` chunks of one document or ticket stand before
// chunks of other sources; the rest move down in their order, so nothing is dropped and k
// results still come back. Ranks are renumbered from 1. maxPerSource <= 0: unchanged.
void diversifyBySource(std::vector<RetrievedChunk>& ranked, int maxPerSource);

} // namespace ac::retrieval
