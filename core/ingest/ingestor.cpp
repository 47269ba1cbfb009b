#include "ingest/ingestor.h"

#include "ingest/prepared_source.h"
#include "ingest/source_writer.h"

namespace ac::ingest {

Ingestor::Ingestor(db::PgConnection& conn, Embedder& embedder) : conn_(conn), embedder_(embedder) {}

IngestResult Ingestor::ingestDocument(const DocumentSource& document)
{
    std::vector<PreparedSource> batch{prepareDocument(document, ChunkerOptions{})};
    return SourceWriter(conn_, embedder_).ingest(document.merchantId, batch);
}

IngestResult Ingestor::ingestTicket(const TicketSource& ticket)
{
    std::vector<PreparedSource> batch{prepareTicket(ticket, ChunkerOptions{})};
    return SourceWriter(conn_, embedder_).ingest(ticket.merchantId, batch);
}

} // namespace ac::ingest
