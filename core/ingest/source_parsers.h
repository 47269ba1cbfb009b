#pragma once

#include "ingest/ingest_error.h"
#include "ingest/source_records.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace ac::ingest {

inline constexpr qint64 kMaxSourceBytes = 5 * 1024 * 1024;

// Markdown with front matter:
//   ---
//   id: d7
//   title: Refund Policy
//   category: refund
//   acl: [role:staff, topic:refund]
//   ---
// id and title are required; acl may also be a block list ("- token" lines) and may be absent
// (the loader then needs --acl; an empty acl is refused at ingest). merchantId is left empty for
// the caller to set. Throws SourceError naming file and line for non-UTF-8, empty,
// oversized (> 5 MiB) or malformed input.
DocumentSource parseDocumentFile(const QString& path);
DocumentSource parseDocumentBytes(const QByteArray& bytes, const QString& origin);

// One JSON object per line: id, customer_id, status, optional order_number, category, acl,
// created_at, and messages [{author, body, created_at?}] (or a single `text`, the customer's opening
// message).
std::vector<TicketSource> parseTicketsJsonl(const QByteArray& bytes, const QString& origin);

// CSV with a header row. Columns: id, customer_id, status, text (required); order_number, category,
// acl (tokens separated by ';' or '|'), created_at, author (default "customer"). Consecutive rows
// with the same id are the turns of one ticket.
std::vector<TicketSource> parseTicketsCsv(const QByteArray& bytes, const QString& origin);

// Reads a file for one of the parsers above, enforcing the size limit and that it exists.
QByteArray readSourceFile(const QString& path);

} // namespace ac::ingest
