#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ac::retrieval {

enum class Mode { Vector, Lexical, Hybrid };

// Who is asking. Loaded from the agents table for the authenticated database identity; the
// retrieval SQL filters on these explicitly and row-level security enforces them regardless.
struct AgentIdentity {
    QString agentId;        // "u1"
    QString merchantId;     // "m01"
    QString displayName;    // "Alice"
    QString kind;           // "staff" | "contractor"
    QStringList aclTokens;  // {"u1", "role:staff"}
};

struct RetrievalOptions {
    int k = 5;
    Mode mode = Mode::Hybrid;
    bool rerank = true;
    int candidates = 50;           // per leg, before fusion
    // hnsw.ef_search: with the m = 32 graphs (migration 010), 200 gave recall@10 0.953 at 1M chunks
    // (100: 0.928; BENCHMARKS.md).
    int efSearch = 200;
    int rrfK = 60;
    double vectorWeight = 1.0;
    double lexicalWeight = 1.0;
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
    int maxPerSource = 2;          // chunks of one document/ticket ahead of other sources (0: no cap)
    double maxTermFrequency = 0.05; // lexical leg drops terms in more chunks than this (while rarer remain)
    int lexicalMatchCap = 500;     // lexical leg ranks at most this many matching rows
    int lexicalRowBudget = 20000;  // lexical leg never searches a term expected in more rows than this
};

struct RetrievalRequest {
    AgentIdentity agent;
    QString query;
    RetrievalOptions options;
};

struct Scores {
    std::optional<double> vectorSimilarity;  // 1 - cosine distance
    std::optional<int> vectorRank;           // 1-based, within the vector leg
    std::optional<double> lexicalScore;      // ts_rank_cd
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

struct Diagnostics {
    std::vector<StageTiming> timings;
    double totalMs = 0.0;
    QString vectorPath;           // "hnsw" | "exact"
    int efSearch = 0;
    QString iterativeScan;        // "off" | "strict_order" | "relaxed_order"
    int vectorCandidates = 0;
    int lexicalCandidates = 0;
    qint64 rowsRemovedByFilter = 0;
    bool underReturned = false;   // fewer than k although more authorised rows exist
    bool widened = false;         // a second, wider pass ran to fill k
    int corpusVersion = 0;
    QStringList notes;
    qint64 authorisedRowsEstimate = 0;  // planner estimate: merchant + corpus version + ACL
    qint64 merchantRowsEstimate = 0;    // planner estimate: merchant + corpus version
    QString lexicalQuery;               // the to_tsquery text the lexical leg ran
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
