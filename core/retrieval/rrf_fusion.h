#pragma once

#include "retrieval/retrieval_types.h"

#include <vector>

namespace ac::retrieval {

struct FusionSettings {
    int rrfK = 60;
    double vectorWeight = 1.0;
    double lexicalWeight = 1.0;
};

// Weighted Reciprocal Rank Fusion: fused = sum over legs of weight / (rrfK + rank). Each input is
// one leg's hits in rank order (their Scores carry that leg's score and rank); a chunk found by both
// legs comes out once with both legs' scores. Ties keep the better single-leg rank, then chunk id.
std::vector<RetrievedChunk> fuseReciprocalRank(std::vector<RetrievedChunk> vectorHits,
                                               std::vector<RetrievedChunk> lexicalHits,
                                               const FusionSettings& settings);

} // namespace ac::retrieval
