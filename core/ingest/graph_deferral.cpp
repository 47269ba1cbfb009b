#include "ingest/graph_deferral.h"

#include "ingest/corpus_version.h"
#include "ingest/index_progress.h"

#include <QElapsedTimer>

namespace ac::ingest {

namespace {

constexpr const char* kPartitionRows = "SELECT count(*) FROM chunks WHERE merchant_id = $1";
constexpr const char* kDefer = "SELECT app.defer_graphs($1)";
constexpr const char* kDeferred = "SELECT app.graphs_deferred($1)";
constexpr const char* kRestore = "SELECT app.restore_graphs($1)";

} // namespace

std::optional<GraphPolicy> parseGraphPolicy(const QString& name)
{
    if (name == QLatin1String("auto"))
        return GraphPolicy::Auto;
    if (name == QLatin1String("defer"))
        return GraphPolicy::Defer;
    if (name == QLatin1String("keep"))
        return GraphPolicy::Keep;
    return std::nullopt;
}

bool shouldDeferGraphs(db::PgConnection& conn, const QString& merchantId, qint64 incomingChunks, GraphPolicy policy)
{
    if (policy != GraphPolicy::Auto)
        return policy == GraphPolicy::Defer;
    if (incomingChunks < kDeferGraphsFromChunks)
        return false;
    return conn.exec(kPartitionRows, db::PgParams().add(merchantId)).integer(0, 0) < incomingChunks;
}

int deferGraphs(db::PgConnection& conn, const QString& merchantId)
{
    db::Transaction tx(conn);
    lockMerchantCorpus(conn, merchantId);
    const int dropped = static_cast<int>(conn.exec(kDefer, db::PgParams().add(merchantId)).integer(0, 0));
    tx.commit();
    return dropped;
}

bool graphsDeferred(db::PgConnection& conn, const QString& merchantId)
{
    return conn.exec(kDeferred, db::PgParams().add(merchantId)).boolean(0, 0);
}

RestoredGraphs restoreGraphs(db::PgConnection& conn, const QString& merchantId, const ProgressFn& progress,
                             const QString& progressConninfo)
{
    QElapsedTimer timer;
    timer.start();
    if (!graphsDeferred(conn, merchantId))
        return {};
    const ProgressMeter meter(QStringLiteral("graphs"), 0);
    qint64 lastTotal = 1;  // what the bar counts: tuples or blocks, as the build reports them
    const auto report = [&](qint64 done, qint64 total) {
        if (!progress)
            return;
        if (total > 0)
            lastTotal = total;
        progress(meter.at(done, total));
    };
    report(0, 0);
    db::Transaction tx(conn);
    lockMerchantCorpus(conn, merchantId);
    int built = 0;
    const auto restore = [&conn, &merchantId, &built] {
        built = static_cast<int>(conn.exec(kRestore, db::PgParams().add(merchantId)).integer(0, 0));
    };
    if (progress && !progressConninfo.isNull()) {
        watchIndexBuild(conn, progressConninfo, restore, [&](const IndexBuildProgress& p) {
            if (p.tuplesTotal > 0)
                report(p.tuplesDone, p.tuplesTotal);
            else if (p.blocksTotal > 0)
                report(p.blocksDone, p.blocksTotal);
        });
    } else {
        restore();
    }
    tx.commit();
    const RestoredGraphs restored{built, timer.nsecsElapsed() / 1e9};
    report(lastTotal, lastTotal);
    return restored;
}

} // namespace ac::ingest
