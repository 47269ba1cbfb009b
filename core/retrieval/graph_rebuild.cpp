#include "retrieval/graph_rebuild.h"

#include "db/pg_connection.h"
#include "ingest/graph_deferral.h"
#include "ingest/index_progress.h"
#include "retrieval/retriever.h"

#include <QElapsedTimer>

namespace ac::retrieval {

namespace {

constexpr const char* kPlan =
    "SELECT graph, replacement, options, cleanup, build, drop_old, rename FROM app.graph_rebuild_plan($1, $2, $3)";
constexpr const char* kGraphsEnabled = "SELECT enabled FROM app.chunk_graph_state";
constexpr const char* kGraphBytes =
    "SELECT pg_relation_size(format('%I.%I', app.chunks_schema(), $1::text)::regclass)";

} // namespace

std::vector<RebuiltGraph> rebuildGraphsOnline(const QString& conninfo, const QString& merchantId,
                                              const GraphRebuildOptions& options, const GraphRebuildProgress& progress)
{
    db::PgConnection conn = db::PgConnection::open(conninfo);
    if (!conn.exec(kGraphsEnabled).boolean(0, 0))
        throw RetrievalError(QStringLiteral("graphs are switched off (a bulk load is running or was interrupted); "
                                            "finish the load before rebuilding"));
    if (ingest::graphsDeferred(conn, merchantId))
        throw RetrievalError(QStringLiteral("merchant %1's graphs are deferred (a large load is running, or died before "
                                            "building them): ragctl reindex builds them").arg(merchantId));
    const db::PgResult plan =
        conn.exec(kPlan, db::PgParams().add(merchantId).add(options.m).add(options.efConstruction));
    const auto report = [&](const QString& graph, const QString& phase, double fraction) {
        if (progress)
            progress(graph, phase, fraction);
    };

    std::vector<RebuiltGraph> rebuilt;
    for (int r = 0; r < plan.rows(); ++r) {
        RebuiltGraph g;
        g.graph = plan.text(r, "graph");
        g.options = plan.text(r, "options");
        QElapsedTimer timer;
        timer.start();
        conn.exec(plan.text(r, "cleanup"));
        try {
            ingest::watchIndexBuild(conn, conninfo, [&conn, statement = plan.text(r, "build")] { conn.exec(statement); },
                                    [&](const ingest::IndexBuildProgress& p) { report(g.graph, p.phase, p.fraction()); });
        } catch (...) {
            conn.exec(plan.text(r, "cleanup"));  // an invalid replacement: queries never used it
            throw;
        }
        report(g.graph, QStringLiteral("swapping"), 1.0);
        conn.exec(plan.text(r, "drop_old"));
        conn.exec(plan.text(r, "rename"));
        g.seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        g.bytes = conn.exec(kGraphBytes, db::PgParams().add(g.graph)).integer(0, 0);
        rebuilt.push_back(g);
    }
    return rebuilt;
}

} // namespace ac::retrieval
