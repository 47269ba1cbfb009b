#pragma once

#include "eval/eval_run.h"

#include <QString>

namespace ac::eval {

// A fixed-width table: one row per mode, metrics then latency percentiles.
QString formatRun(const EvalRun& run);

// What differs between two runs: dataset (warned when the hashes differ), every configuration key
// whose value changed, and per mode each metric and latency as A, B and B - A.
QString formatComparison(const EvalRun& a, const EvalRun& b);

} // namespace ac::eval
