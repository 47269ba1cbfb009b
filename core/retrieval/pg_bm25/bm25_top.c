/*
 * Exact Okapi BM25 top-n over postings lists: term at a time into a dense accumulator when the
 * chunk ids allow it (top_n_dense), otherwise document at a time with MaxScore pruning (Turtle &
 * Flood 1995): query terms are ordered by the most each can add to a score, idf * (k1 + 1); once
 * the n-th best score exceeds what the weakest terms could give together, a chunk that has only
 * those terms cannot enter the top n, so they are only looked up for chunks the other terms bring.
 * The score is migration 013's:
 *   sum over query terms t in d of idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))
 * summed in double precision and rounded to real, ranked by score descending, then id ascending.
 */
#include "postings.h"

#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

typedef struct Term
{
    bytea **lists; /* the term's stored segments */
    int nlists;
    bool overlapping;      /* two of its lists cover overlapping id ranges: a chunk may be in both */
    PostingArray postings; /* decoded and merged, for the document-at-a-time path */
    int cursor;
    double idf;
    double bound;
} Term;

typedef struct Hit
{
    int64 id;
    float4 score;
} Hit;

/* a ranks below b: a lower score, or an equal score and a larger id */
static inline bool
ranks_below(const Hit *a, const Hit *b)
{
    return a->score < b->score || (a->score == b->score && a->id > b->id);
}

/* Min-heap of the best n hits, the lowest-ranked at the root. */
typedef struct TopN
{
    Hit *hits;
    int count;
    int capacity;
} TopN;

static void
sift_down(TopN *top, int i)
{
    for (;;)
    {
        int lowest = i, l = 2 * i + 1, r = l + 1;
        Hit swap;

        if (l < top->count && ranks_below(&top->hits[l], &top->hits[lowest]))
            lowest = l;
        if (r < top->count && ranks_below(&top->hits[r], &top->hits[lowest]))
            lowest = r;
        if (lowest == i)
            return;
        swap = top->hits[i];
        top->hits[i] = top->hits[lowest];
        top->hits[lowest] = swap;
        i = lowest;
    }
}

static void
offer(TopN *top, Hit hit)
{
    if (top->count < top->capacity)
    {
        int i = top->count++;

        top->hits[i] = hit;
        while (i > 0 && ranks_below(&top->hits[i], &top->hits[(i - 1) / 2]))
        {
            Hit swap = top->hits[i];

            top->hits[i] = top->hits[(i - 1) / 2];
            top->hits[(i - 1) / 2] = swap;
            i = (i - 1) / 2;
        }
    }
    else if (ranks_below(&top->hits[0], &hit))
    {
        top->hits[0] = hit;
        sift_down(top, 0);
    }
}

static int
compare_bound(const void *a, const void *b)
{
    const Term *x = a, *y = b;

    return (x->bound > y->bound) - (x->bound < y->bound);
}

static int
compare_rank(const void *a, const void *b)
{
    const Hit *x = a, *y = b;

    return ranks_below(x, y) ? 1 : ranks_below(y, x) ? -1 : 0;
}

/* First entry at or after the cursor with an id >= target (galloping, then binary search). */
static inline int
seek(const PostingArray *p, int from, int64 target)
{
    int step = 1, lo = from, hi;

    if (from >= p->count || p->items[from].id >= target)
        return from;
    while (lo + step < p->count && p->items[lo + step].id < target)
    {
        lo += step;
        step <<= 1;
    }
    hi = Min(lo + step, p->count);
    while (lo + 1 < hi)
    {
        int mid = lo + (hi - lo) / 2;

        if (p->items[mid].id < target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

static void
top_n(Term *terms, int nterms, double k1, double b, double avgdl, TopN *top)
{
    /* lengthNorm(|d|) is shared by every term of a chunk; tf is per term. */
    const double slack = 1.0 + 1e-6; /* a double sum rounded to real may come out slightly above it */
    double *prefix = palloc(sizeof(double) * (nterms + 1));
    int essential = 0; /* terms [0, essential) can only be looked up */

    qsort(terms, nterms, sizeof(Term), compare_bound);
    prefix[0] = 0;
    for (int t = 0; t < nterms; t++)
        prefix[t + 1] = prefix[t] + terms[t].bound;

    for (;;)
    {
        int64 id = PG_INT64_MAX;
        double score = 0, norm = 0;
        int length = -1;
        Hit hit;

        for (int t = essential; t < nterms; t++)
            if (terms[t].cursor < terms[t].postings.count && terms[t].postings.items[terms[t].cursor].id < id)
                id = terms[t].postings.items[terms[t].cursor].id;
        if (id == PG_INT64_MAX)
            break;
        for (int t = nterms - 1; t >= 0; t--)
        {
            Term *term = &terms[t];
            const Posting *p;

            if (t < essential)
            {
                if (top->count == top->capacity && (score + prefix[t + 1]) * slack < top->hits[0].score)
                    break;
                term->cursor = seek(&term->postings, term->cursor, id);
            }
            if (term->cursor >= term->postings.count || term->postings.items[term->cursor].id != id)
                continue;
            p = &term->postings.items[term->cursor];
            if (length < 0)
            {
                length = p->length;
                norm = k1 * (1 - b + b * length / avgdl);
            }
            score += term->idf * p->tf * (k1 + 1) / (p->tf + norm);
            if (t >= essential)
                term->cursor++;
        }
        hit.id = id;
        hit.score = (float4) score;
        offer(top, hit);
        if (top->count == top->capacity)
            while (essential < nterms && prefix[essential + 1] * slack < top->hits[0].score)
                essential++;
    }
}

static int
compare_bound_descending(const void *a, const void *b)
{
    return compare_bound(b, a);
}

#define LENGTHS_TABULATED 1024
#define WINDOW (1 << 16)

typedef struct IdRange
{
    int64 first;
    int64 last;
} IdRange;

static int
compare_range(const void *a, const void *b)
{
    const IdRange *x = a, *y = b;

    return (x->first > y->first) - (x->first < y->first);
}

/* A stored list being read block by block: its current block and the next entry in it. */
typedef struct ListCursor
{
    PostingReader reader;
    PostingBlock *block;
    int next;
    int term; /* index into the terms, which are in summation order */
} ListCursor;

/* The cursor's next entry is in its block; false when the list is done. */
static inline bool
cursor_ready(ListCursor *c)
{
    if (c->next < c->block->count)
        return true;
    if (!postings_next_block(&c->reader, c->block))
    {
        c->block->count = 0;
        return false;
    }
    c->next = 0;
    return true;
}

/* Whether any two lists of each term cover overlapping id ranges: then a chunk may be in both. */
static bool
note_overlaps(Term *terms, int nterms, int64 *lo, int64 *hi, int64 *entries)
{
    bool shared = false;

    for (int t = 0; t < nterms; t++)
    {
        IdRange *ranges = palloc(sizeof(IdRange) * terms[t].nlists);
        int nranges = 0;

        for (int i = 0; i < terms[t].nlists; i++)
        {
            PostingsHeader h = postings_open(terms[t].lists[i], NULL);

            if (h.count == 0)
                continue;
            *lo = Min(*lo, h.first_id);
            *hi = Max(*hi, h.last_id);
            *entries += h.count;
            ranges[nranges].first = h.first_id;
            ranges[nranges].last = h.last_id;
            nranges++;
        }
        /* Segments of one ACL token never share a chunk; lists of two tokens may, if their ranges meet. */
        qsort(ranges, nranges, sizeof(IdRange), compare_range);
        terms[t].overlapping = false;
        for (int i = 1; i < nranges; i++)
            terms[t].overlapping |= ranges[i].first <= ranges[i - 1].last;
        shared |= terms[t].overlapping;
        pfree(ranges);
    }
    return shared;
}

/*
 * The accumulator and duplicate marks of a window, allocated once per backend: a fresh 512 kB
 * allocation per query came from the kernel, page fault by page fault. Each window leaves the
 * accumulator zeroed and clears the marks before use; only an error midway (`scoring` still set
 * at the next call) leaves the accumulator to be zeroed again.
 */
static double *score_window;
static int32 *seen_window;
static bool scoring;

static double *
window_scores(void)
{
    if (score_window == NULL)
        score_window = MemoryContextAllocZero(TopMemoryContext, sizeof(double) * WINDOW);
    else if (scoring)
        memset(score_window, 0, sizeof(double) * WINDOW);
    scoring = true;
    return score_window;
}

/*
 * Term at a time, when the ids of the lists span a range not much wider than their entries
 * (chunks of one merchant are mostly written together): every entry is read once, straight from
 * the stored blocks, into one accumulator per chunk id. The ids are taken a window at a time, so
 * the accumulator stays in cache and is not allocated for the whole range; within a window, terms
 * are added rarest first, as migration 013 sums them, so the scores are the same to the last bit.
 * A chunk in two lists of one term (under two ACL tokens) counts once. False, with nothing done,
 * when the range is too wide.
 */
static bool
top_n_dense(Term *terms, int nterms, double k1, double b, double avgdl, TopN *top)
{
    int64 lo = PG_INT64_MAX, hi = PG_INT64_MIN, entries = 0, base;
    bool shared = note_overlaps(terms, nterms, &lo, &hi, &entries);
    double *score;
    int32 *seen = NULL;
    double norm_of_length[LENGTHS_TABULATED];
    ListCursor *cursors;
    int ncursors = 0;

    if (entries == 0)
        return true;
    if ((uint64) hi - (uint64) lo >= (uint64) Max(8 * entries, WINDOW))
        return false;

    score = window_scores();
    if (shared && seen_window == NULL)
        seen_window = MemoryContextAlloc(TopMemoryContext, sizeof(int32) * WINDOW);
    if (shared)
        seen = seen_window;
    /* The length normalisation of every short chunk, computed once (the same expression). */
    for (int length = 0; length < LENGTHS_TABULATED; length++)
        norm_of_length[length] = k1 * (1 - b + b * length / avgdl);
    qsort(terms, nterms, sizeof(Term), compare_bound_descending);
    for (int t = 0; t < nterms; t++)
        ncursors += terms[t].nlists;
    cursors = palloc(sizeof(ListCursor) * ncursors);
    ncursors = 0;
    for (int t = 0; t < nterms; t++)
        for (int i = 0; i < terms[t].nlists; i++, ncursors++)
        {
            postings_open(terms[t].lists[i], &cursors[ncursors].reader);
            cursors[ncursors].block = palloc(sizeof(PostingBlock));
            cursors[ncursors].block->count = 0;
            cursors[ncursors].next = 0;
            cursors[ncursors].term = t;
        }

    for (base = lo;;)
    {
        const int64 width = Min((uint64) hi - (uint64) base + 1, WINDOW);
        double floor = 0; /* a slot at or below it cannot enter the top n */
        int64 next_base = PG_INT64_MAX;

        if (seen)
            memset(seen, 0, sizeof(int32) * width);
        for (int c = 0; c < ncursors; c++)
        {
            ListCursor *cursor = &cursors[c];
            const Term *term = &terms[cursor->term];
            const double idf = term->idf;
            int32 *term_seen = term->overlapping ? seen : NULL;

            while (cursor_ready(cursor))
            {
                const PostingBlock *block = cursor->block;
                int j = cursor->next;

                for (; j < block->count; j++)
                {
                    const int64 slot = block->ids[j] - base;
                    const int32 tf = block->tfs[j], length = block->lengths[j];
                    const double norm = length < LENGTHS_TABULATED ? norm_of_length[length]
                                                                   : k1 * (1 - b + b * length / avgdl);

                    if (slot >= width)
                        break;
                    if (unlikely(slot < 0))
                        postings_corrupt();
                    if (term_seen)
                    {
                        if (term_seen[slot] == cursor->term + 1)
                            continue;
                        term_seen[slot] = cursor->term + 1;
                    }
                    score[slot] += idf * tf * (k1 + 1) / (tf + norm);
                }
                cursor->next = j;
                if (j < block->count)
                {
                    next_base = Min(next_base, block->ids[j]);
                    break;
                }
            }
        }

        /* Ids ascend, so a later chunk with the n-th best score ranks below it: only a higher score enters. */
        if (top->count == top->capacity)
            floor = top->hits[0].score * (1 - 1e-6);
        for (int64 slot = 0; slot < width; slot++)
        {
            Hit hit;

            if (score[slot] <= floor)
                continue;
            hit.score = (float4) score[slot];
            hit.id = base + slot;
            offer(top, hit);
            if (top->count == top->capacity)
                floor = top->hits[0].score * (1 - 1e-6);
        }
        memset(score, 0, sizeof(double) * width);
        if (next_base == PG_INT64_MAX)
        {
            scoring = false;
            return true;
        }
        base = next_base;
    }
}

/*
 * bm25_top(lists bytea[], terms integer[], idfs float8[], k1 real, b real, avgdl float8, n integer)
 *   -> TABLE (id bigint, score real), best first.
 * lists[i] is a postings segment of query term terms[i] (1-based into idfs); a term may have several,
 * and a chunk may be in more than one of them (the term's lists under several ACL tokens).
 */
PG_FUNCTION_INFO_V1(bm25_top);
Datum
bm25_top(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    ArrayType *list_array = PG_GETARG_ARRAYTYPE_P(0);
    ArrayType *term_array = PG_GETARG_ARRAYTYPE_P(1);
    ArrayType *idf_array = PG_GETARG_ARRAYTYPE_P(2);
    double k1 = PG_GETARG_FLOAT4(3);
    double b = PG_GETARG_FLOAT4(4);
    double avgdl = PG_GETARG_FLOAT8(5);
    int32 n = PG_GETARG_INT32(6);
    Datum *list_values, *term_values, *idf_values;
    bool *list_nulls, *term_nulls, *idf_nulls;
    int nlists, nterm_refs, nidfs;
    Term *terms;
    int nterms = 0;
    TopN top;

    InitMaterializedSRF(fcinfo, 0);
    deconstruct_array(list_array, BYTEAOID, -1, false, TYPALIGN_INT, &list_values, &list_nulls, &nlists);
    deconstruct_array(term_array, INT4OID, 4, true, TYPALIGN_INT, &term_values, &term_nulls, &nterm_refs);
    deconstruct_array(idf_array, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &idf_values, &idf_nulls, &nidfs);
    if (nlists != nterm_refs)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("bm25_top needs one term per postings list (%d lists, %d terms)", nlists, nterm_refs)));
    if (!(k1 >= 0) || !(b >= 0 && b <= 1) || !(avgdl > 0))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("bm25_top needs k1 >= 0, 0 <= b <= 1 and avgdl > 0 (got %g, %g, %g)", k1, b, avgdl)));
    if (n < 1 || nlists == 0)
        return (Datum) 0;

    terms = palloc0(sizeof(Term) * Max(nidfs, 1));
    for (int t = 0; t < nidfs; t++)
    {
        bytea **lists = palloc(sizeof(bytea *) * nlists);
        int count = 0;

        if (idf_nulls[t])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("idf of term %d is null", t + 1)));
        for (int i = 0; i < nlists; i++)
        {
            int32 term;

            if (list_nulls[i] || term_nulls[i])
                ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("postings list %d is null", i + 1)));
            term = DatumGetInt32(term_values[i]);
            if (term < 1 || term > nidfs)
                ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                                errmsg("postings list %d names term %d of %d", i + 1, term, nidfs)));
            if (term == t + 1)
                lists[count++] = DatumGetByteaPP(list_values[i]);
        }
        if (count == 0)
            continue;
        terms[nterms].lists = lists;
        terms[nterms].nlists = count;
        terms[nterms].idf = DatumGetFloat8(idf_values[t]);
        terms[nterms].bound = terms[nterms].idf * (k1 + 1);
        nterms++;
    }

    top.capacity = n;
    top.count = 0;
    top.hits = palloc(sizeof(Hit) * Min(n, 1 << 20));
    if (n > (1 << 20))
        top.capacity = 1 << 20;
    if (!top_n_dense(terms, nterms, k1, b, avgdl, &top))
    {
        for (int t = 0; t < nterms; t++)
            terms[t].postings = postings_decode_merged(terms[t].lists, terms[t].nlists, true);
        top_n(terms, nterms, k1, b, avgdl, &top);
    }

    qsort(top.hits, top.count, sizeof(Hit), compare_rank);
    for (int i = 0; i < top.count; i++)
    {
        Datum values[2] = {Int64GetDatum(top.hits[i].id), Float4GetDatum(top.hits[i].score)};
        bool nulls[2] = {false, false};

        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum) 0;
}
