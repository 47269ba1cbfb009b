/*
 * A postings list: the chunks of one lexeme, ascending by chunk id, each with the lexeme's term
 * frequency in the chunk and the chunk's length (BM25's tf and |d|). Stored as a bytea: a 4-byte
 * entry count, then per entry three unsigned LEB128 varints: the id's gap from the previous id
 * (from 0 for the first), tf and length. A lexeme in a third of 100k chunks takes about 130 kB.
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

/* Entries of one stored list (detoasted by the caller). */
extern PostingArray postings_decode(const bytea *list);

/*
 * The entries of several lists as one list ascending by id. An id in two lists is an error, or,
 * with `shared_ids` (the lists of one lexeme under several ACL tokens), listed once.
 */
extern PostingArray postings_decode_merged(bytea **lists, int nlists, bool shared_ids);

extern bytea *postings_encode(const Posting *items, int count);

#endif
