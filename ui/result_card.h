#pragma once

#include "retrieval/retrieval_types.h"

namespace ac::ui {

class TextHighlighter;

// The HTML of one cited chunk: badge, title/section, highlighted text, ACL and scores.
QString resultCardHtml(const retrieval::RetrievedChunk& chunk, const TextHighlighter& highlighter);
QString scoreSummary(const retrieval::Scores& scores);
// "Refund Policy > Eligibility", or the title when the chunk has no heading path.
QString chunkLocation(const retrieval::RetrievedChunk& chunk);

} // namespace ac::ui
