#pragma once

#include "retrieval/retrieval_types.h"

#include <QByteArray>

#include <functional>

namespace ac::retrieval {

// What the caller knows about the statement, for the warnings the plan alone cannot give.
struct PlanExpectations {
    bool expectHnsw = false;        // the vector leg chose the HNSW path
    int wantedRows = 0;             // k (or the candidate limit) the statement asked for
    bool moreRowsExist = false;     // an authorised row beyond those returned exists
    bool statisticsStale = false;   // from pg_stat_user_tables
    bool seqScanExpected = false;   // the exact vector path: reading the merchant's whole partition is the plan
    QString chunksTable = QStringLiteral("chunks");               // the merchant's partition, when known
    QString hnswIndex = QStringLiteral("chunks_embedding_hnsw");  // its HNSW index
};

// Parses the server's EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output (a one-element array).
// Throws std::invalid_argument when it is not such a document.
QueryPlan parseExplainJson(const QByteArray& json);
QueryPlan parseExplainJson(const QJsonArray& explain);
PlanNode parsePlanNode(const QJsonObject& node);

// Developer warnings: sequential scan on chunks (unless expected), HNSW unused, fewer rows than asked while more
// exist, stale statistics (told, or seen as a large estimate error on a chunks scan).
QStringList planWarnings(const QueryPlan& plan, const PlanExpectations& expect);

// Depth-first visit, root first.
void visitPlan(const PlanNode& node, const std::function<void(const PlanNode&, int depth)>& visit, int depth = 0);

// Index names used anywhere in the plan, in first-seen order.
QStringList indexesUsed(const PlanNode& root);

// An indented one-line-per-node rendering, like EXPLAIN's text format but shorter.
QString renderPlanText(const QueryPlan& plan);

} // namespace ac::retrieval
