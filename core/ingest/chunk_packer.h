#pragma once

#include "ingest/chunk.h"

#include <QString>

#include <vector>

namespace ac::ingest {

// A sentence (or a heading line, or a verbatim block such as a table) with where it belongs.
struct TextUnit {
    QString text;
    int tokens = 0;
    bool paragraphStart = false;  // joined to the previous unit with a blank line, not a space
    bool breakBefore = false;     // a sub-heading: the chunk may close here once it holds minTokens
    QString headingPath;
};

struct PackedText {
    QString text;
    QString headingPath;  // of the first unit that is not overlap
};

// Packs units greedily into chunks of at most maxTokens, preferring paragraph and heading
// boundaries, repeating up to overlapTokens of trailing sentences when a run of text is split.
std::vector<PackedText> packUnits(const std::vector<TextUnit>& units, const ChunkerOptions& options);

// Sentence units for one paragraph; a sentence longer than maxTokens is cut at spaces.
void appendParagraph(std::vector<TextUnit>& units, const QString& paragraph, const QString& headingPath,
                     const ChunkerOptions& options);

} // namespace ac::ingest
