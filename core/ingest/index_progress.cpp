#include "ingest/index_progress.h"

#include <future>

namespace ac::ingest {

namespace {
constexpr int kPollMs = 250;
constexpr const char* kProgress =
    "SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total "
    "FROM pg_stat_progress_create_index WHERE pid = $1";
}

double IndexBuildProgress::fraction() const
{
    if (tuplesTotal > 0)
        return static_cast<double>(tuplesDone) / static_cast<double>(tuplesTotal);
    if (blocksTotal > 0)
        return static_cast<double>(blocksDone) / static_cast<double>(blocksTotal);
    return 0.0;
}

std::optional<IndexBuildProgress> readIndexBuildProgress(db::PgConnection& conn, int builderPid)
{
    const db::PgResult r = conn.exec(kProgress, db::PgParams().add(builderPid));
    if (r.empty())
        return std::nullopt;
    return IndexBuildProgress{r.text(0, 0), r.integer(0, 1), r.integer(0, 2), r.integer(0, 3), r.integer(0, 4)};
}

void watchIndexBuild(db::PgConnection& builder, const QString& watcherConninfo, const std::function<void()>& build,
                     const std::function<void(const IndexBuildProgress&)>& onProgress)
{
    db::PgConnection watcher = db::PgConnection::open(watcherConninfo);
    const int builderPid = builder.backendPid();
    std::future<void> running = std::async(std::launch::async, build);
    while (running.wait_for(std::chrono::milliseconds(kPollMs)) != std::future_status::ready) {
        if (const auto p = readIndexBuildProgress(watcher, builderPid))
            onProgress(*p);
    }
    running.get();
}

} // namespace ac::ingest
