#pragma once

#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace ac::retrieval {

// Online rebuild of a merchant's HNSW graphs (migration 017, app.graph_rebuild_plan): each graph
// gets a replacement built beside it with CREATE INDEX CONCURRENTLY, then the old one is dropped
// concurrently and the replacement takes its name. Queries run throughout; none fails or waits
// for the build. A replacement left behind by an interrupted rebuild is dropped first.
struct GraphRebuildOptions {
    std::optional<int> m;               // empty: keep the graph's own
    std::optional<int> efConstruction;  // empty: keep the graph's own
};

struct RebuiltGraph {
    QString graph;
    QString options;  // "m = 32, ef_construction = 128"
    double seconds = 0;
    qint64 bytes = 0;
};

// graph, phase ("building index: loading tuples", "swapping"), fraction 0..1 of that graph's build.
using GraphRebuildProgress = std::function<void(const QString& graph, const QString& phase, double fraction)>;

// Owner only. Opens its own two connections (the build, and one that watches its progress).
std::vector<RebuiltGraph> rebuildGraphsOnline(const QString& conninfo, const QString& merchantId,
                                              const GraphRebuildOptions& options = {},
                                              const GraphRebuildProgress& progress = {});

} // namespace ac::retrieval
