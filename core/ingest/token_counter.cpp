#include "ingest/token_counter.h"

namespace ac::ingest {

int countTokens(QStringView text)
{
    int tokens = 0;
    int wordLength = 0;
    auto endWord = [&] {
        if (wordLength > 0)
            tokens += (wordLength + 5) / 6;
        wordLength = 0;
    };
    for (const QChar c : text) {
        if (c.isLetterOrNumber() || c.isMark()) {
            ++wordLength;
            continue;
        }
        endWord();
        if (!c.isSpace())
            ++tokens;
    }
    endWord();
    return tokens;
}

} // namespace ac::ingest
