#pragma once

#include "retrieval/retrieval_types.h"

namespace ac::retrieval {

QString modeName(Mode mode);
std::optional<Mode> modeFromName(const QString& name);  // "vector" | "lexical" | "hybrid"
QString fusionName(FusionMethod method);
std::optional<FusionMethod> fusionFromName(const QString& name);  // "rrf" | "convex"

QJsonObject scoresToJson(const Scores& scores);
QJsonObject chunkToJson(const RetrievedChunk& chunk);
QJsonObject diagnosticsToJson(const Diagnostics& diagnostics);
QJsonObject planNodeToJson(const PlanNode& node);
QJsonObject queryPlanToJson(const QueryPlan& plan);  // the parsed tree and warnings, not the raw JSON
QJsonObject resultToJson(const RetrievalResult& result);

} // namespace ac::retrieval
