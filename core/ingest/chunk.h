#pragma once

#include <QJsonObject>
#include <QString>

#include <vector>

namespace ac::ingest {

// Sizes in approximate tokens (see token_counter.h). A chunk closes before it would pass maxTokens;
// it may close early at a sub-heading once it holds minTokens; a chunk that continues a split
// section repeats up to overlapTokens of whole trailing sentences from the previous one.
struct ChunkerOptions {
    int minTokens = 500;
    int maxTokens = 800;
    int overlapTokens = 80;

    QString version() const;  // recorded on every chunk, e.g. "ac-chunker-1:500-800/80"
};

// One retrieval unit. (source, corpus version, index) is its identity; contentHash (sha256 of
// embedText()) says whether its vector is still valid.
struct Chunk {
    int index = 0;
    QString headingPath;  // "Refund Policy > Eligibility"
    QString section;      // documents: H2 number ("0" before the first H2); tickets: turn number
    QString citation;     // "[Refund Policy §2]", "[Ticket t1]"
    QString text;
    int tokenCount = 0;
    QString contentHash;
    QJsonObject metadata;

    QString embedText() const { return composeEmbedText(headingPath, text); }

    // Contextual retrieval: the heading path goes in front of the text that is embedded.
    static QString composeEmbedText(const QString& headingPath, const QString& text);
    static QString hashOf(const QString& embedText);
};

// Sets contentHash and tokenCount from the other fields.
void finalizeChunk(Chunk& chunk);

} // namespace ac::ingest
