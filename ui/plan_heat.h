#pragma once

#include "retrieval/retrieval_types.h"

#include <QColor>

namespace ac::ui {

// How hot a plan node is, graded like pgAdmin's (depesz) explain analysis: 0 none, 1 > 10 %,
// 2 > 50 %, 3 > 90 % of the statement's time spent in the node itself; misestimates graded at
// factors 10, 100 and 1000 between estimated and actual rows.
int timeShareLevel(double share);
int misestimateLevel(double estimatedRows, double actualRows);
double misestimateFactor(double estimatedRows, double actualRows);
QColor heatColour(int level);  // invalid colour for 0

// Milliseconds spent in the node itself across all loops (children's time subtracted).
double exclusiveMs(const retrieval::PlanNode& node);
double inclusiveMs(const retrieval::PlanNode& node);

} // namespace ac::ui
