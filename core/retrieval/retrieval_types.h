#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ac::retrieval {

enum class Mode { Vector, Lexical, Hybrid };

// How the two legs are merged (retrieval/fusion.h): reciprocal rank fusion, or a convex
// combination of each leg's min-max normalised scores.
enum class FusionMethod { Rrf, Convex };

// Who is asking. Loaded from the agents table for the authenticated database identity; the
// retrieval SQL filters on these explicitly and row-level security enforces them regardless.
struct AgentIdentity {
    QString agentId;        // "u1"
    QString merchantId;     // "m01"
    QString displayName;    // "Alice"
    QString kind;           // "staff" | "contractor"
    QStringList aclTokens;  // {"u1", "role:staff"}
};

// Okapi BM25 of the lexical leg: Lucene's defaults. On our own dev split (man pages, BENCHMARKS.md)
// no other k1/b in {0.9, 1.2, 1.5} x {0.4, 0.75, 0.9} won by more than 0.01 nDCG@10 on both halves.
struct Bm25Options {
    double k1 = 1.2;           // term-frequency saturation
    double b = 0.75;           // length normalisation (0: none, 1: full)
};

struct RetrievalOptions {
    int k = 5;
    Mode mode = Mode::Hybrid;
    bool rerank = true;
    int candidates = 50;           // per leg, before fusion
    // hnsw.ef_search: with the m = 32 graphs (migration 010), 200 gave recall@10 0.953 at 1M chunks
    // (100: 0.928; BENCHMARKS.md).
    int efSearch = 200;
    // Convex 0.3 / 0.7: best of {0.2 .. 0.6} on one half of our dev split, confirmed on the other
    // half, where it beat both legs and RRF (which lost to its lexical leg; BENCHMARKS.md).
    FusionMethod fusion = FusionMethod::Convex;
    int rrfK = 60;                 // RRF only
    double vectorWeight = 0.3;     // each leg's weight in the fusion
    double lexicalWeight = 0.7;
    bool explain = false;          // capture EXPLAIN (ANALYZE, BUFFERS) of the query that ran
    // Auto chooses the HNSW index or an exact scan per query from planner estimates.
    enum class VectorPath { Auto, Hnsw, Exact };
    VectorPath vectorPath = VectorPath::Auto;
    bool iterativeScan = true;     // pgvector 0.8 hnsw.iterative_scan = relaxed_order; false: "off"
    int maxScanTuples = 20000;     // hnsw.max_scan_tuples
    // Auto: exact when a filter (ACL, corpus version) leaves at most this many authorised rows (~30 ms
    // at ~6 us a row): complete, and bounded where a filtered HNSW scan can wander when the filter
    // correlates with the query. Unfiltered searches go by cost alone (kHnswVisitCostInExactRows).
    int exactScanThreshold = 5000;
    int rerankDepth = 50;          // how many fused candidates the reranker reorders
    int maxPerSource = 1;          // chunks of one document/ticket ahead of other sources (0: no cap)
    Bm25Options bm25;
};

struct RetrievalRequest {
    AgentIdentity agent;
    QString query;
    RetrievalOptions options;
};

struct Scores {
    std::optional<double> vectorSimilarity;  // 1 - cosine distance
    std::optional<int> vectorRank;           // 1-based, within the vector leg
    std::optional<double> lexicalScore;      // BM25
    std::optional<int> lexicalRank;
    double fused = 0.0;                      // weighted RRF
    std::optional<double> rerank;
};

struct RetrievedChunk {
    qint64 chunkId = 0;
    QString sourceType;   // "document" | "ticket"
    QString sourceId;     // "d7" | "t1"
    QString title;        // document title or ticket subject line
    int chunkIndex = 0;
    QString headingPath;  // "Refund Policy > Eligibility"
    QString citation;     // "[Refund Policy §2]" | "[Ticket t1]"
    QString text;
    QStringList acl;
    QJsonObject metadata;
    Scores scores;
    int rank = 0;         // 1-based final rank
};

struct StageTiming {
    QString stage;  // "embed", "vector", "lexical", "fusion", "rerank", "explain"
    double ms = 0.0;
};

// One row of the vector leg as it came back, before fusion: what the recall probe compares.
struct VectorLegHit {
    qint64 chunkId = 0;
    double similarity = 0.0;
};

struct Diagnostics {
    std::vector<StageTiming> timings;
    double totalMs = 0.0;
    QString vectorPath;           // "hnsw" | "exact"
    int efSearch = 0;
    QString iterativeScan;        // "off" | "strict_order" | "relaxed_order"
    int vectorCandidates = 0;
    std::vector<VectorLegHit> vectorLegHits;  // nearest first: what the leg's path returned (the recall monitor's)
    std::vector<VectorLegHit> vectorRanking;  // what fusion ranked: the same, with the lexical seeds on a graph path
    std::vector<float> queryEmbedding;        // the vector the leg searched with
    int lexicalCandidates = 0;
    qint64 rowsRemovedByFilter = 0;
    bool underReturned = false;   // fewer than k although more authorised rows exist
    bool widened = false;         // a second, wider pass ran to fill k
    int corpusVersion = 0;
    QString embeddingModel;       // what embedded the query: model, and a trained model's checksum
    QStringList notes;
    qint64 authorisedRowsEstimate = 0;  // planner estimate: merchant + corpus version + ACL
    qint64 merchantRowsEstimate = 0;    // planner estimate: merchant + corpus version
    QString lexicalQuery;               // the terms the lexical leg searched (BM25)
    QString reranker;                   // "lexical" | "http" | "" (off)
    QJsonObject settings;               // every knob the query ran with (GUC values included)
};

// One node of an EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) plan.
struct PlanNode {
    QString nodeType;         // "Index Scan", "Bitmap Heap Scan", ...
    QString relation;         // "chunks"
    QString indexName;        // "chunks_embedding_hnsw"
    QString detail;           // Index Cond / Filter / Sort Key, for display
    double planRows = 0;      // estimated
    double actualRows = 0;    // per loop
    double loops = 0;
    double actualTotalMs = 0; // per loop
    qint64 sharedHitBlocks = 0;
    qint64 sharedReadBlocks = 0;
    qint64 rowsRemovedByFilter = 0;
    qint64 rowsRemovedByIndexRecheck = 0;
    std::vector<PlanNode> children;
};

// The plan of one statement that ran (one per leg), parsed, with the developer warnings.
struct QueryPlan {
    QString leg;              // "vector" | "lexical"
    QString sql;
    PlanNode root;
    double planningMs = 0;
    double executionMs = 0;
    QStringList warnings;
    QJsonArray raw;           // the server's JSON, unchanged
};

struct RetrievalResult {
    std::vector<RetrievedChunk> chunks;
    Diagnostics diagnostics;
    std::optional<QJsonObject> planJson;  // EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON), when asked:
                                          // {"vector": [...], "lexical": [...]}
    std::vector<QueryPlan> plans;         // the same plans parsed, when asked
};

} // namespace ac::retrieval
