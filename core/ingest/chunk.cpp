#include "ingest/chunk.h"

#include "ingest/token_counter.h"

#include <QCryptographicHash>

namespace ac::ingest {

QString ChunkerOptions::version() const
{
    return QStringLiteral("ac-chunker-1:%1-%2/%3").arg(minTokens).arg(maxTokens).arg(overlapTokens);
}

QString Chunk::composeEmbedText(const QString& headingPath, const QString& text)
{
    if (headingPath.isEmpty())
        return text;
    return headingPath + QStringLiteral("\n\n") + text;
}

QString Chunk::hashOf(const QString& embedText)
{
    return QString::fromLatin1(QCryptographicHash::hash(embedText.toUtf8(), QCryptographicHash::Sha256).toHex());
}

void finalizeChunk(Chunk& chunk)
{
    chunk.tokenCount = countTokens(chunk.text);
    chunk.contentHash = Chunk::hashOf(chunk.embedText());
}

} // namespace ac::ingest
