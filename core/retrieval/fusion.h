#pragma once

#include "retrieval/retrieval_types.h"

#include <vector>

namespace ac::retrieval {

struct FusionSettings {
    FusionMethod method = FusionMethod::Convex;
    int rrfK = 60;
    double vectorWeight = 1.0;
    double lexicalWeight = 1.0;
};

// Merges the two legs' hits (each in its leg's rank order, Scores carrying that leg's score) into
// one list, best first; a chunk found by both legs comes out once with both legs' scores and ranks.
//   Rrf:    fused = sum over legs of weight / (rrfK + rank)
//   Convex: fused = sum over legs of weight * (score - min) / (max - min), min and max over that
//           leg's hits for this query (a leg that did not find the chunk adds 0; a leg whose hits
//           all score the same gives each 1)
// Ties keep the better single-leg rank, then chunk id.
std::vector<RetrievedChunk> fuse(std::vector<RetrievedChunk> vectorHits, std::vector<RetrievedChunk> lexicalHits,
                                 const FusionSettings& settings);

} // namespace ac::retrieval
