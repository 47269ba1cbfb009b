#pragma once

#include "ingest/embedder.h"

namespace ac::ingest {

// Scales v to unit length; returns false (leaving v unchanged) when it is all zeros or not finite.
bool normalizeL2(Embedding& v);

double cosineSimilarity(const Embedding& a, const Embedding& b);

} // namespace ac::ingest
