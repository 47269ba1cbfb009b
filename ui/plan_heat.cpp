#include "plan_heat.h"

#include <algorithm>

namespace ac::ui {

int timeShareLevel(double share)
{
    if (share > 0.9)
        return 3;
    if (share > 0.5)
        return 2;
    if (share > 0.1)
        return 1;
    return 0;
}

double misestimateFactor(double estimatedRows, double actualRows)
{
    const double estimated = std::max(estimatedRows, 1.0);
    const double actual = std::max(actualRows, 1.0);
    return std::max(estimated / actual, actual / estimated);
}

int misestimateLevel(double estimatedRows, double actualRows)
{
    const double factor = misestimateFactor(estimatedRows, actualRows);
    if (factor > 1000)
        return 3;
    if (factor > 100)
        return 2;
    if (factor > 10)
        return 1;
    return 0;
}

QColor heatColour(int level)
{
    switch (level) {
    case 1: return QColor(0xff, 0xf0, 0xb3);
    case 2: return QColor(0xff, 0xc0, 0x78);
    case 3: return QColor(0xff, 0x87, 0x87);
    default: return QColor();
    }
}

double inclusiveMs(const retrieval::PlanNode& node)
{
    return node.actualTotalMs * std::max(node.loops, 1.0);
}

double exclusiveMs(const retrieval::PlanNode& node)
{
    double children = 0;
    for (const retrieval::PlanNode& child : node.children)
        children += inclusiveMs(child);
    return std::max(0.0, inclusiveMs(node) - children);
}

} // namespace ac::ui
