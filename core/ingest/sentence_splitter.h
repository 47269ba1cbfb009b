#pragma once

#include <QString>
#include <QStringList>

namespace ac::ingest {

// Splits prose into sentences at '.', '!' or '?' (plus closing quotes/brackets) followed by
// whitespace, except after common abbreviations ("e.g.", "Mr.") and single letters. Whitespace
// inside the text is collapsed to single spaces.
QStringList splitSentences(const QString& text);

// Splits one over-long sentence into pieces of at most maxTokens, at spaces.
QStringList splitWords(const QString& sentence, int maxTokens);

} // namespace ac::ingest
