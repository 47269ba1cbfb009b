#include "retrieval/plan_tree.h"

#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>
#include <stdexcept>

namespace ac::retrieval {

namespace {

qint64 integer(const QJsonObject& o, const char* key) { return static_cast<qint64>(o.value(QLatin1String(key)).toDouble()); }
double number(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toDouble(); }
QString string(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }

// A query embedding appears in conditions as a literal of thousands of characters; the detail
// line names its size instead (the raw plan keeps it whole).
QString abbreviateVectors(QString text)
{
    static const QRegularExpression literal(QStringLiteral("'\\[([^\\]']{60,})\\]'::(vector|halfvec)"));
    QRegularExpressionMatch m;
    qsizetype from = 0;
    while ((m = literal.match(text, from)).hasMatch()) {
        const QString shortened = QStringLiteral("'[%1 values]'::%2").arg(m.captured(1).count(QLatin1Char(',')) + 1).arg(m.captured(2));
        text.replace(m.capturedStart(), m.capturedLength(), shortened);
        from = m.capturedStart() + shortened.size();
    }
    return text;
}

QString nodeDetail(const QJsonObject& o)
{
    QStringList parts;
    for (const char* key : {"Index Cond", "Recheck Cond", "Filter", "Order By", "Hash Cond", "Join Filter"}) {
        const QString value = abbreviateVectors(string(o, key));
        if (!value.isEmpty())
            parts << QStringLiteral("%1: %2").arg(QLatin1String(key), value);
    }
    const QJsonArray sortKey = o.value(QLatin1String("Sort Key")).toArray();
    if (!sortKey.isEmpty()) {
        QStringList keys;
        for (const QJsonValue& k : sortKey)
            keys << abbreviateVectors(k.toString());
        parts << QStringLiteral("Sort Key: %1").arg(keys.join(QLatin1String(", ")));
    }
    return parts.join(QLatin1String("; "));
}

bool scansTable(const PlanNode& n, const QString& table)
{
    return n.relation == table;
}

} // namespace

PlanNode parsePlanNode(const QJsonObject& o)
{
    PlanNode n;
    n.nodeType = string(o, "Node Type");
    n.relation = string(o, "Relation Name");
    n.indexName = string(o, "Index Name");
    n.detail = nodeDetail(o);
    n.planRows = number(o, "Plan Rows");
    n.actualRows = number(o, "Actual Rows");
    n.loops = number(o, "Actual Loops");
    n.actualTotalMs = number(o, "Actual Total Time");
    n.sharedHitBlocks = integer(o, "Shared Hit Blocks");
    n.sharedReadBlocks = integer(o, "Shared Read Blocks");
    n.rowsRemovedByFilter = integer(o, "Rows Removed by Filter");
    n.rowsRemovedByIndexRecheck = integer(o, "Rows Removed by Index Recheck");
    for (const QJsonValue& child : o.value(QLatin1String("Plans")).toArray())
        n.children.push_back(parsePlanNode(child.toObject()));
    return n;
}

QueryPlan parseExplainJson(const QJsonArray& explain)
{
    const QJsonObject top = explain.size() == 1 ? explain.first().toObject() : QJsonObject();
    if (!top.value(QLatin1String("Plan")).isObject())
        throw std::invalid_argument("not an EXPLAIN (FORMAT JSON) document");
    QueryPlan plan;
    plan.raw = explain;
    plan.root = parsePlanNode(top.value(QLatin1String("Plan")).toObject());
    plan.planningMs = number(top, "Planning Time");
    plan.executionMs = number(top, "Execution Time");
    return plan;
}

QueryPlan parseExplainJson(const QByteArray& json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isArray() || doc.array().isEmpty())
        throw std::invalid_argument("not an EXPLAIN (FORMAT JSON) document");
    return parseExplainJson(doc.array());
}

void visitPlan(const PlanNode& node, const std::function<void(const PlanNode&, int)>& visit, int depth)
{
    visit(node, depth);
    for (const PlanNode& child : node.children)
        visitPlan(child, visit, depth + 1);
}

QStringList indexesUsed(const PlanNode& root)
{
    QStringList names;
    visitPlan(root, [&](const PlanNode& n, int) {
        if (!n.indexName.isEmpty() && !names.contains(n.indexName))
            names << n.indexName;
    });
    return names;
}

QStringList planWarnings(const QueryPlan& plan, const PlanExpectations& expect)
{
    QStringList warnings;
    bool seqScan = false;
    bool hnswUsed = false;
    bool misestimated = false;
    visitPlan(plan.root, [&](const PlanNode& n, int) {
        if (n.nodeType == QLatin1String("Seq Scan") && scansTable(n, expect.chunksTable) && !expect.seqScanExpected)
            seqScan = true;
        if (n.indexName == expect.hnswIndex)
            hnswUsed = true;
        if (scansTable(n, expect.chunksTable) && n.loops > 0) {
            // Beyond 10x either way on a scan of a large enough set: the statistics no longer describe the table.
            const double est = std::max(n.planRows, 1.0);
            const double act = std::max(n.actualRows, 1.0);
            if (std::max(est, act) >= 100 && (est / act > 10 || act / est > 10))
                misestimated = true;
        }
    });
    if (seqScan)
        warnings << QStringLiteral("sequential scan on %1: a tenant query should reach it through an index "
                                   "(check the indexes exist and run ANALYZE %1)").arg(expect.chunksTable);
    if (expect.expectHnsw && !hnswUsed)
        warnings << QStringLiteral("HNSW unused: the vector leg asked for %1 but the planner chose another path")
                        .arg(expect.hnswIndex);
    if (expect.wantedRows > 0 && plan.root.actualRows < expect.wantedRows && expect.moreRowsExist)
        warnings << QStringLiteral("under-returned: %1 of %2 rows although more authorised rows exist "
                                   "(raise hnsw.max_scan_tuples or use the exact path)")
                        .arg(plan.root.actualRows).arg(expect.wantedRows);
    if (expect.statisticsStale || misestimated)
        warnings << QStringLiteral("stale statistics on %1: row estimates are off; run ANALYZE %1").arg(expect.chunksTable);
    return warnings;
}

QString renderPlanText(const QueryPlan& plan)
{
    QStringList lines;
    visitPlan(plan.root, [&](const PlanNode& n, int depth) {
        QString line = QString(depth * 2, QLatin1Char(' ')) + (depth > 0 ? QStringLiteral("-> ") : QString()) + n.nodeType;
        if (!n.indexName.isEmpty())
            line += QStringLiteral(" using %1").arg(n.indexName);
        if (!n.relation.isEmpty())
            line += QStringLiteral(" on %1").arg(n.relation);
        line += QStringLiteral("  (rows est=%1 actual=%2 loops=%3 time=%4 ms buffers hit=%5 read=%6")
                    .arg(n.planRows).arg(n.actualRows).arg(n.loops).arg(n.actualTotalMs, 0, 'f', 3)
                    .arg(n.sharedHitBlocks).arg(n.sharedReadBlocks);
        if (n.rowsRemovedByFilter > 0)
            line += QStringLiteral(" removed by filter=%1").arg(n.rowsRemovedByFilter);
        line += QLatin1Char(')');
        lines << line;
        if (!n.detail.isEmpty())
            lines << QString(depth * 2 + 6, QLatin1Char(' ')) + n.detail;
    });
    lines << QStringLiteral("Planning %1 ms, execution %2 ms").arg(plan.planningMs, 0, 'f', 3).arg(plan.executionMs, 0, 'f', 3);
    for (const QString& w : plan.warnings)
        lines << QStringLiteral("WARNING: %1").arg(w);
    return lines.join(QLatin1Char('\n'));
}

} // namespace ac::retrieval
