#include "ingest/ticket_chunker.h"

#include "ingest/chunk_packer.h"
#include "ingest/sentence_splitter.h"

namespace ac::ingest {

QString ticketSubject(const TicketSource& ticket)
{
    if (ticket.messages.empty())
        return {};
    const QStringList sentences = splitSentences(ticket.messages.front().body);
    QString subject = sentences.isEmpty() ? QString() : sentences.first();
    if (subject.size() > 80)
        subject = subject.left(77).trimmed() + QStringLiteral("...");
    return subject;
}

std::vector<Chunk> chunkTicket(const TicketSource& ticket, const ChunkerOptions& options)
{
    const QString subject = ticketSubject(ticket);
    const QString headingPath = subject.isEmpty() ? QStringLiteral("Ticket %1").arg(ticket.id)
                                                  : QStringLiteral("Ticket %1 > %2").arg(ticket.id, subject);
    std::vector<Chunk> chunks;
    int turn = 0;
    for (const TicketMessage& message : ticket.messages) {
        ++turn;
        const QString speaker = message.author == QLatin1String("agent") ? QStringLiteral("Agent")
                                                                          : QStringLiteral("Customer");
        std::vector<TextUnit> units;
        appendParagraph(units, speaker + QStringLiteral(": ") + message.body, headingPath, options);
        for (PackedText& packed : packUnits(units, options)) {
            Chunk chunk;
            chunk.index = static_cast<int>(chunks.size());
            chunk.headingPath = headingPath;
            chunk.section = QString::number(turn);
            chunk.citation = QStringLiteral("[Ticket %1]").arg(ticket.id);
            chunk.text = std::move(packed.text);
            QJsonObject metadata{
                {QStringLiteral("source"), QStringLiteral("ticket")},
                {QStringLiteral("title"), subject},
                {QStringLiteral("category"), ticket.category},
                {QStringLiteral("ticket_id"), ticket.id},
                {QStringLiteral("status"), ticket.status},
                {QStringLiteral("customer_id"), ticket.customerId},
                {QStringLiteral("author"), message.author},
                {QStringLiteral("turn"), turn},
            };
            if (ticket.orderNumber)
                metadata.insert(QStringLiteral("order_number"), *ticket.orderNumber);
            if (ticket.createdAt)
                metadata.insert(QStringLiteral("created_at"), ticket.createdAt->toUTC().toString(Qt::ISODate));
            chunk.metadata = metadata;
            finalizeChunk(chunk);
            chunks.push_back(std::move(chunk));
        }
    }
    return chunks;
}

} // namespace ac::ingest
