#pragma once

#include "retrieval/leg_query.h"

#include <span>
#include <unordered_map>

namespace ac::retrieval {

struct VectorLegSettings {
    bool exact = false;       // exact scan over the filtered rows instead of the HNSW index
    int efSearch = 400;
    bool iterativeScan = true;
    int maxScanTuples = 20000;
    int limit = 50;
};

// The vector leg as it will run. HNSW: ef_search, relaxed-order iterative scan and its tuple bound,
// other access paths disabled so the planner walks the graph with the tenant and ACL filter applied.
// Exact: index scans disabled, so the rows come from the merchant/ACL indexes (bitmap scans) and
// are ordered by true distance.
LegQuery vectorLegQuery(const LegScope& scope, std::span<const float> embedding, const VectorLegSettings& settings);

// The HNSW leg in the ACL graph of one token (migration 009), same settings.
LegQuery aclGraphLegQuery(const LegScope& scope, std::span<const float> embedding, const VectorLegSettings& settings,
                          const QString& token);

// Several legs' rows as one candidate list: each chunk once, nearest first, at most `limit`.
std::vector<RetrievedChunk> mergeByDistance(std::vector<std::vector<RetrievedChunk>> legs, int limit);

// A graph's rows with the lexical leg's rows whose vector distance (by chunk id) is known: each
// lexical row joins with its vector similarity and without its lexical scores, nearest first, at
// most `limit`. A graph search can settle in the wrong region of the graph for a short query; the
// lexical leg often finds the rows it missed (BENCHMARKS.md, "1M chunks: lexical seeds for the
// graph's ranking").
std::vector<RetrievedChunk> mergeLexicalSeeds(std::vector<RetrievedChunk> graphHits,
                                              const std::vector<RetrievedChunk>& lexicalHits,
                                              const std::unordered_map<qint64, double>& distances, int limit);

// Runs it; similarity = 1 - cosine distance, and rows are re-sorted by it (a relaxed-order scan may
// hand them over slightly out of order).
std::vector<RetrievedChunk> runVectorLeg(db::PgConnection& conn, const LegQuery& query);

} // namespace ac::retrieval
