/*
 * A postings list: the chunks of one lexeme, ascending by chunk id, each with the lexeme's term
 * frequency in the chunk and the chunk's length (BM25's tf and |d|). Stored as a bytea: a header
 * (entry count, uint32; first and last id, int64; native byte order, as the server's own types),
 * then per entry three unsigned LEB128 varints: the id's gap from the previous id (from 0 for the
 * first), tf and length. A lexeme in a third of 100k chunks takes about 110 kB.
 */
#ifndef AGENT_CONSOLE_BM25_POSTINGS_H
#define AGENT_CONSOLE_BM25_POSTINGS_H

#include "postgres.h"

typedef struct Posting
{
    int64 id;
    int32 tf;
    int32 length;
} Posting;

typedef struct PostingArray
{
    Posting *items;
    int count;
} PostingArray;

typedef struct PostingsHeader
{
    uint32 count;
    int64 first_id;
    int64 last_id;
} PostingsHeader;

/* Reads a stored list entry by entry, without copying it. */
typedef struct PostingReader
{
    const uint8 *in;
    const uint8 *end;
    uint32 left;
    uint64 id;
} PostingReader;

extern PostingsHeader postings_open(const bytea *list, PostingReader *reader);
extern void postings_corrupt(void) pg_attribute_noreturn();

static inline const uint8 *
postings_varint(const uint8 *in, const uint8 *end, uint64 *value)
{
    uint64 result = 0;
    int shift = 0;

    if (likely(in < end && *in < 0x80))
    {
        *value = *in;
        return in + 1;
    }

    for (;;)
    {
        if (unlikely(in >= end || shift > 63))
            postings_corrupt();
        result |= ((uint64) (*in & 0x7F)) << shift;
        if ((*in++ & 0x80) == 0)
            break;
        shift += 7;
    }
    *value = result;
    return in;
}

/* The next entry into *p; false after the last. */
static inline bool
postings_next(PostingReader *reader, Posting *p)
{
    uint64 gap, tf, length;

    if (reader->left == 0)
        return false;
    reader->in = postings_varint(reader->in, reader->end, &gap);
    reader->in = postings_varint(reader->in, reader->end, &tf);
    reader->in = postings_varint(reader->in, reader->end, &length);
    reader->id += gap;
    reader->left--;
    p->id = (int64) reader->id;
    p->tf = (int32) tf;
    p->length = (int32) length;
    return true;
}

/* Entries of one stored list (detoasted by the caller). */
extern PostingArray postings_decode(const bytea *list);

/*
 * The entries of several lists as one list ascending by id. An id in two lists is an error, or,
 * with `shared_ids` (the lists of one lexeme under several ACL tokens), listed once.
 */
extern PostingArray postings_decode_merged(bytea **lists, int nlists, bool shared_ids);

extern bytea *postings_encode(const Posting *items, int count);

#endif
