#include "ingest/index_progress.h"

namespace ac::ingest {

namespace {
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

} // namespace ac::ingest
