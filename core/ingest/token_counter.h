#pragma once

#include <QStringView>

namespace ac::ingest {

// Approximates a BPE tokenizer without a vocabulary: a run of letters/digits is one token per 6
// characters (rounded up), every other non-space character is one token. English prose comes out
// within ~15% of cl100k_base, which is all chunk sizing needs.
int countTokens(QStringView text);

} // namespace ac::ingest
