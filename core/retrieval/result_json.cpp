#include "retrieval/result_json.h"

namespace ac::retrieval {

namespace {

template <typename T>
void insertOptional(QJsonObject& o, const char* key, const std::optional<T>& value)
{
    o.insert(QLatin1String(key), value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null));
}

} // namespace

QString modeName(Mode mode)
{
    switch (mode) {
    case Mode::Vector: return QStringLiteral("vector");
    case Mode::Lexical: return QStringLiteral("lexical");
    case Mode::Hybrid: break;
    }
    return QStringLiteral("hybrid");
}

std::optional<Mode> modeFromName(const QString& name)
{
    for (Mode m : {Mode::Vector, Mode::Lexical, Mode::Hybrid})
        if (name.compare(modeName(m), Qt::CaseInsensitive) == 0)
            return m;
    return std::nullopt;
}

QString fusionName(FusionMethod method)
{
    return method == FusionMethod::Rrf ? QStringLiteral("rrf") : QStringLiteral("convex");
}

std::optional<FusionMethod> fusionFromName(const QString& name)
{
    for (FusionMethod m : {FusionMethod::Rrf, FusionMethod::Convex})
        if (name.compare(fusionName(m), Qt::CaseInsensitive) == 0)
            return m;
    return std::nullopt;
}

QJsonObject scoresToJson(const Scores& s)
{
    QJsonObject o;
    insertOptional(o, "vector_similarity", s.vectorSimilarity);
    insertOptional(o, "vector_rank", s.vectorRank);
    insertOptional(o, "lexical_score", s.lexicalScore);
    insertOptional(o, "lexical_rank", s.lexicalRank);
    o.insert(QStringLiteral("fused"), s.fused);
    insertOptional(o, "rerank", s.rerank);
    return o;
}

QJsonObject chunkToJson(const RetrievedChunk& c)
{
    return QJsonObject{
        {QStringLiteral("rank"), c.rank},
        {QStringLiteral("chunk_id"), c.chunkId},
        {QStringLiteral("source_type"), c.sourceType},
        {QStringLiteral("source_id"), c.sourceId},
        {QStringLiteral("title"), c.title},
        {QStringLiteral("chunk_index"), c.chunkIndex},
        {QStringLiteral("heading_path"), c.headingPath},
        {QStringLiteral("citation"), c.citation},
        {QStringLiteral("text"), c.text},
        {QStringLiteral("acl"), QJsonArray::fromStringList(c.acl)},
        {QStringLiteral("metadata"), c.metadata},
        {QStringLiteral("scores"), scoresToJson(c.scores)},
    };
}

QJsonObject diagnosticsToJson(const Diagnostics& d)
{
    QJsonObject timings;
    for (const StageTiming& t : d.timings)
        timings.insert(t.stage, t.ms);
    return QJsonObject{
        {QStringLiteral("timings_ms"), timings},
        {QStringLiteral("total_ms"), d.totalMs},
        {QStringLiteral("vector_path"), d.vectorPath},
        {QStringLiteral("ef_search"), d.efSearch},
        {QStringLiteral("iterative_scan"), d.iterativeScan},
        {QStringLiteral("vector_candidates"), d.vectorCandidates},
        {QStringLiteral("lexical_candidates"), d.lexicalCandidates},
        {QStringLiteral("rows_removed_by_filter"), d.rowsRemovedByFilter},
        {QStringLiteral("authorised_rows_estimate"), d.authorisedRowsEstimate},
        {QStringLiteral("merchant_rows_estimate"), d.merchantRowsEstimate},
        {QStringLiteral("under_returned"), d.underReturned},
        {QStringLiteral("widened"), d.widened},
        {QStringLiteral("corpus_version"), d.corpusVersion},
        {QStringLiteral("embedding_model"), d.embeddingModel},
        {QStringLiteral("lexical_query"), d.lexicalQuery},
        {QStringLiteral("reranker"), d.reranker},
        {QStringLiteral("settings"), d.settings},
        {QStringLiteral("notes"), QJsonArray::fromStringList(d.notes)},
    };
}

QJsonObject planNodeToJson(const PlanNode& n)
{
    QJsonArray children;
    for (const PlanNode& child : n.children)
        children.append(planNodeToJson(child));
    QJsonObject o{
        {QStringLiteral("node_type"), n.nodeType},
        {QStringLiteral("plan_rows"), n.planRows},
        {QStringLiteral("actual_rows"), n.actualRows},
        {QStringLiteral("loops"), n.loops},
        {QStringLiteral("actual_total_ms"), n.actualTotalMs},
        {QStringLiteral("shared_hit_blocks"), n.sharedHitBlocks},
        {QStringLiteral("shared_read_blocks"), n.sharedReadBlocks},
        {QStringLiteral("rows_removed_by_filter"), n.rowsRemovedByFilter},
        {QStringLiteral("rows_removed_by_index_recheck"), n.rowsRemovedByIndexRecheck},
        {QStringLiteral("children"), children},
    };
    if (!n.relation.isEmpty())
        o.insert(QStringLiteral("relation"), n.relation);
    if (!n.indexName.isEmpty())
        o.insert(QStringLiteral("index_name"), n.indexName);
    if (!n.detail.isEmpty())
        o.insert(QStringLiteral("detail"), n.detail);
    return o;
}

QJsonObject queryPlanToJson(const QueryPlan& p)
{
    return QJsonObject{
        {QStringLiteral("leg"), p.leg},
        {QStringLiteral("sql"), p.sql},
        {QStringLiteral("planning_ms"), p.planningMs},
        {QStringLiteral("execution_ms"), p.executionMs},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(p.warnings)},
        {QStringLiteral("tree"), planNodeToJson(p.root)},
    };
}

QJsonObject resultToJson(const RetrievalResult& r)
{
    QJsonArray chunks;
    for (const RetrievedChunk& c : r.chunks)
        chunks.append(chunkToJson(c));
    QJsonObject o{
        {QStringLiteral("results"), chunks},
        {QStringLiteral("diagnostics"), diagnosticsToJson(r.diagnostics)},
    };
    if (!r.plans.empty()) {
        QJsonArray plans;
        for (const QueryPlan& p : r.plans)
            plans.append(queryPlanToJson(p));
        o.insert(QStringLiteral("plans"), plans);
    }
    return o;
}

} // namespace ac::retrieval
