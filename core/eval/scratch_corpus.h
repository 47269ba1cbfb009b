#pragma once

#include "db/pg_connection.h"
#include "eval/beir_dataset.h"
#include "ingest/chunk.h"
#include "ingest/embedder.h"
#include "retrieval/retrieval_types.h"

#include <QString>

namespace ac::eval {

// A throwaway merchant holding a BEIR corpus, loaded through the normal ingest path (chunker,
// embedder, bulk loader), with one staff agent that may read all of it. Dropped (merchant row
// and everything that cascades from it) on destruction unless keep() was called.
//
// Source ids are global in the schema, so each BEIR id is stored as "<merchant>:<id>".
class ScratchCorpus {
public:
    ScratchCorpus(db::PgConnection& conn, const QString& datasetHash);
    ~ScratchCorpus();
    ScratchCorpus(const ScratchCorpus&) = delete;
    ScratchCorpus& operator=(const ScratchCorpus&) = delete;

    // Returns the number of chunks written.
    int load(const BeirDataset& dataset, ingest::Embedder& embedder, const ingest::ChunkerOptions& chunker);

    const QString& merchantId() const { return merchantId_; }
    retrieval::AgentIdentity agent() const;
    QString datasetId(const QString& sourceId) const;  // "<merchant>:d7" -> "d7"
    void keep() { keep_ = true; }
    void drop();

private:
    db::PgConnection& conn_;
    QString merchantId_;
    bool keep_ = false;
    bool dropped_ = false;
};

} // namespace ac::eval
