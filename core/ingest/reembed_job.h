#pragma once

#include "db/pg_connection.h"
#include "ingest/embedder.h"
#include "ingest/load_progress.h"

namespace ac::ingest {

struct ReembedResult {
    int fromVersion = 0;
    int toVersion = 0;  // equals fromVersion when the corpus already used this embedder
    qint64 chunks = 0;
    double seconds = 0.0;
};

// Model switch for one merchant: builds corpus version N+1 ('building') beside the live version N
// by re-embedding every live chunk's heading path + text, checks it is complete, then in ONE
// transaction retires N and makes N+1 live, and finally drops N and its chunks. Retrieval reads
// only the live version, so it sees N until the switch and N+1 after it, never a mix. Ingests of
// the merchant wait while the job runs (they share its advisory lock). A failure before the switch
// drops the half-built version and leaves N live.
class ReembedJob {
public:
    ReembedJob(db::PgConnection& conn, Embedder& embedder, QString merchantId, int batchSize = 256);

    void setProgress(ProgressFn progress) { progress_ = std::move(progress); }
    ReembedResult run();

private:
    void build(int fromVersion, int toVersion, qint64 total);
    void switchLive(int fromVersion, int toVersion);

    db::PgConnection& conn_;
    Embedder& embedder_;
    QString merchantId_;
    int batchSize_;
    ProgressFn progress_;
};

} // namespace ac::ingest
