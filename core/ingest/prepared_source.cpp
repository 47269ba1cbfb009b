#include "ingest/prepared_source.h"

#include "ingest/markdown_chunker.h"
#include "ingest/ticket_chunker.h"

#include <QCryptographicHash>

namespace ac::ingest {

QString PreparedSource::contentHash() const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QChar sep(0x1f);
    if (kind == SourceKind::Document) {
        hash.addData(QStringList{document.title, document.category, document.acl.join(sep), document.markdown}
                         .join(sep).toUtf8());
    } else {
        for (const TicketMessage& m : ticket.messages)
            hash.addData((m.author + sep + m.body + sep).toUtf8());
    }
    return QString::fromLatin1(hash.result().toHex());
}

QStringList embedTexts(const std::vector<PreparedSource>& sources)
{
    QStringList texts;
    for (const PreparedSource& s : sources)
        for (const Chunk& c : s.chunks)
            texts << c.embedText();
    return texts;
}

PreparedSource prepareDocument(const DocumentSource& document, const ChunkerOptions& options)
{
    PreparedSource p;
    p.kind = SourceKind::Document;
    p.document = document;
    p.chunks = chunkDocument(document, options);
    p.reuseIndex.assign(p.chunks.size(), std::nullopt);
    p.embeddings.assign(p.chunks.size(), Embedding());
    return p;
}

PreparedSource prepareTicket(const TicketSource& ticket, const ChunkerOptions& options)
{
    PreparedSource p;
    p.kind = SourceKind::Ticket;
    p.ticket = ticket;
    p.chunks = chunkTicket(ticket, options);
    p.reuseIndex.assign(p.chunks.size(), std::nullopt);
    p.embeddings.assign(p.chunks.size(), Embedding());
    return p;
}

} // namespace ac::ingest
