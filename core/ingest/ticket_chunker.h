#pragma once

#include "ingest/chunk.h"
#include "ingest/source_records.h"

#include <vector>

namespace ac::ingest {

// One chunk per conversation turn (a turn longer than maxTokens is split at sentences with
// overlap). Heading path "Ticket t1 > <subject>", where the subject is the opening customer
// message's first sentence; citation "[Ticket t1]"; section is the 1-based turn number.
std::vector<Chunk> chunkTicket(const TicketSource& ticket, const ChunkerOptions& options = {});

// The first sentence of the opening message, at most 80 characters: the ticket's title.
QString ticketSubject(const TicketSource& ticket);

} // namespace ac::ingest
