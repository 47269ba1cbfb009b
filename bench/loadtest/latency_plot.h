#pragma once

#include "load_test.h"

#include <QImage>

namespace ac::loadtest {

// Latency over the run: every context pack as a dot, p50 and p95 per second as lines, the p95
// service level dashed, failures marked along the top. Needs a QGuiApplication (for fonts).
QImage latencyPlot(const LoadTestReport& report, const QString& title, QSize size = {1200, 600});

} // namespace ac::loadtest
