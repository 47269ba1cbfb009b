#pragma once

#include "ingest/chunk.h"
#include "ingest/embedder.h"
#include "ingest/source_records.h"

#include <optional>
#include <vector>

namespace ac::ingest {

enum class SourceKind { Document, Ticket };

// A source with its chunks, ready to write: each chunk either reuses the vector stored at
// reuseIndex[i] (same content hash) or carries a freshly computed embeddings[i].
struct PreparedSource {
    SourceKind kind = SourceKind::Document;
    DocumentSource document;
    TicketSource ticket;
    std::vector<Chunk> chunks;
    std::vector<std::optional<int>> reuseIndex;
    std::vector<Embedding> embeddings;

    const QString& id() const { return kind == SourceKind::Document ? document.id : ticket.id; }
    const QStringList& acl() const { return kind == SourceKind::Document ? document.acl : ticket.acl; }
    QString contentHash() const;  // of the whole source, for support_documents.content_hash
};

PreparedSource prepareDocument(const DocumentSource& document, const ChunkerOptions& options);
// Every chunk's Chunk::embedText(), in order: what a first load under the corpus provider trains on.
QStringList embedTexts(const std::vector<PreparedSource>& sources);
PreparedSource prepareTicket(const TicketSource& ticket, const ChunkerOptions& options);

} // namespace ac::ingest
