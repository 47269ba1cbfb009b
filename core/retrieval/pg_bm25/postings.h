/*
 * A postings list: the chunks of one lexeme, ascending by chunk id, each with the lexeme's term
 * frequency in the chunk and the chunk's length (BM25's tf and |d|). Stored as a bytea:
 *   header: magic, entry count (uint32), first and last id (int64), native byte order as the
 *           server's own types;
 *   blocks of up to POSTINGS_BLOCK entries: count (uint8), the bit widths of gaps, tfs and lengths
 *           (uint8 each), the block's first id (int64), then the id gaps from the previous entry
 *           (count - 1 of them), the tfs and the lengths, each packed at its width, little-endian
 *           bit order;
 *   8 zero bytes, so that a block's values can be read with one unaligned 64-bit load each.
 * Values of one width decode without a branch per entry (about 1 ns an entry, against 4-5 ns for
 * the per-value varints of the first format). About 1.7 bytes an entry for a chunk corpus.
 */
#ifndef AGENT_CONSOLE_BM25_POSTINGS_H
#define AGENT_CONSOLE_BM25_POSTINGS_H

#include "postgres.h"

#define POSTINGS_BLOCK 128

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

/* Reads a stored list block by block, without copying it. */
typedef struct PostingReader
{
    const uint8 *in;
    const uint8 *end; /* where the padding starts */
    uint32 left;
    int64 previous_id;
    int64 last_id;
} PostingReader;

typedef struct PostingBlock
{
    int count;
    int64 ids[POSTINGS_BLOCK];
    int32 tfs[POSTINGS_BLOCK];
    int32 lengths[POSTINGS_BLOCK];
} PostingBlock;

extern PostingsHeader postings_open(const bytea *list, PostingReader *reader);
extern void postings_corrupt(void) pg_attribute_noreturn();

/* The next block's entries into *block; false after the last. */
extern bool postings_next_block(PostingReader *reader, PostingBlock *block);

/* Entries of one stored list (detoasted by the caller). */
extern PostingArray postings_decode(const bytea *list);

/*
 * The entries of several lists as one list ascending by id. An id in two lists is an error, or,
 * with `shared_ids` (the lists of one lexeme under several ACL tokens), listed once.
 */
extern PostingArray postings_decode_merged(bytea **lists, int nlists, bool shared_ids);

extern bytea *postings_encode(const Posting *items, int count);

#endif
