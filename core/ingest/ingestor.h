#pragma once

#include "db/pg_connection.h"
#include "ingest/source_records.h"

namespace ac::ingest {

class Embedder;

struct IngestResult {
    int chunksWritten = 0;    // inserted or updated
    int chunksUnchanged = 0;  // content hash matched: not re-embedded, not rewritten
    int chunksDeleted = 0;    // no longer produced by the source
    int chunksEmbedded = 0;   // vectors computed by the embedder for this call
    int corpusVersion = 0;    // the live version written to
    int sourcesDeleted = 0;   // sync loads: stored sources the load did not have
    int graphsBuilt = 0;      // graphs deferred by a large load and built after it
    double graphSeconds = 0;  // time those builds took
};

// Writes one source and all its chunks atomically: embeddings are computed first (outside the
// transaction), then the source row and every chunk are upserted in one transaction and chunks
// the source no longer produces are deleted. Re-running with unchanged content changes nothing.
class Ingestor {
public:
    Ingestor(db::PgConnection& conn, Embedder& embedder);

    IngestResult ingestDocument(const DocumentSource& document);
    IngestResult ingestTicket(const TicketSource& ticket);

private:
    db::PgConnection& conn_;
    Embedder& embedder_;
};

} // namespace ac::ingest
