#pragma once

#include "ingest/chunk.h"
#include "ingest/source_records.h"

#include <vector>

namespace ac::ingest {

// Splits a Markdown document into chunks that never cross an H2 section. The document title (front
// matter) roots every heading path; an H1 is the title and is not repeated. Sections are numbered
// by their H2, 1-based; text before the first H2 is section 0 and cites as "[Title]", later
// sections as "[Title §n]". Fenced code blocks and tables are kept whole where they fit.
std::vector<Chunk> chunkDocument(const DocumentSource& document, const ChunkerOptions& options = {});

} // namespace ac::ingest
