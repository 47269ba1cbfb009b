#include "postings.h"

#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_MODULE_MAGIC;

/* "BM25" with a format number: lists of the first format (varints, migration 020) have none. */
#define POSTINGS_MAGIC 0x42324D02u
#define HEADER_BYTES (2 * sizeof(uint32) + 2 * sizeof(int64))
#define BLOCK_HEADER_BYTES (4 + sizeof(int64))
#define PADDING_BYTES 8
#define MAX_GAP_BITS 56 /* a value and its bit offset in a byte fit one 64-bit load */

void
postings_corrupt(void)
{
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list is truncated or corrupt")));
}

static inline uint64
load_le64(const uint8 *p)
{
    uint64 v;

    memcpy(&v, p, sizeof(v));
#ifdef WORDS_BIGENDIAN
    v = pg_bswap64(v);
#endif
    return v;
}

static inline int
bits_for(uint64 value)
{
    return value == 0 ? 0 : 64 - __builtin_clzll(value);
}

/* The list header at data, of a list of `size` bytes (the header alone may be given). */
static PostingsHeader
read_header(const uint8 *data, Size size)
{
    PostingsHeader header;
    uint32 magic;

    if (size < HEADER_BYTES)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list has no header")));
    memcpy(&magic, data, sizeof(uint32));
    if (magic != POSTINGS_MAGIC)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list is not in this extension's format"),
                        errhint("Lists of an older format are rebuilt by the application's migrations.")));
    memcpy(&header.count, data + sizeof(uint32), sizeof(uint32));
    memcpy(&header.first_id, data + 2 * sizeof(uint32), sizeof(int64));
    memcpy(&header.last_id, data + 2 * sizeof(uint32) + sizeof(int64), sizeof(int64));
    if (header.count > PG_INT32_MAX || (header.count > 0 && header.first_id > header.last_id))
        postings_corrupt();
    return header;
}

PostingsHeader
postings_open(const bytea *list, PostingReader *reader)
{
    const uint8 *data = (const uint8 *) VARDATA_ANY(list);
    PostingsHeader header = read_header(data, VARSIZE_ANY_EXHDR(list));

    if (VARSIZE_ANY_EXHDR(list) < HEADER_BYTES + PADDING_BYTES)
        postings_corrupt();
    if (reader)
    {
        reader->in = data + HEADER_BYTES;
        reader->end = data + VARSIZE_ANY_EXHDR(list) - PADDING_BYTES;
        reader->left = header.count;
        reader->previous_id = PG_INT64_MIN;
        reader->last_id = header.last_id;
    }
    return header;
}

/* n values of `bits` bits from bit `offset` of `base` (bits <= MAX_GAP_BITS). */
static pg_attribute_always_inline void
unpack_width(const uint8 *base, uint64 offset, const int bits, int n, uint64 *out)
{
    const uint64 mask = (bits == 0) ? 0 : (~UINT64CONST(0) >> (64 - bits));

    for (int i = 0; i < n; i++, offset += bits)
        out[i] = (load_le64(base + (offset >> 3)) >> (offset & 7)) & mask;
}

#define UNPACK_WIDTH(w) \
    case w: \
        unpack_width(base, offset, w, n, out); \
        return;

/* The same, with the shift and mask known at compile time for the usual widths. */
static void
unpack(const uint8 *base, uint64 offset, int bits, int n, uint64 *out)
{
    switch (bits)
    {
        UNPACK_WIDTH(0) UNPACK_WIDTH(1) UNPACK_WIDTH(2) UNPACK_WIDTH(3) UNPACK_WIDTH(4) UNPACK_WIDTH(5)
        UNPACK_WIDTH(6) UNPACK_WIDTH(7) UNPACK_WIDTH(8) UNPACK_WIDTH(9) UNPACK_WIDTH(10) UNPACK_WIDTH(11)
        UNPACK_WIDTH(12) UNPACK_WIDTH(13) UNPACK_WIDTH(14) UNPACK_WIDTH(15) UNPACK_WIDTH(16)
        default:
            unpack_width(base, offset, bits, n, out);
    }
}

bool
postings_next_block(PostingReader *reader, PostingBlock *block)
{
    uint64 gaps[POSTINGS_BLOCK], values[POSTINGS_BLOCK];
    int count, gap_bits, tf_bits, length_bits;
    uint64 payload_bits;
    const uint8 *payload;
    int64 id;

    if (reader->left == 0)
    {
        if (reader->in != reader->end)
            postings_corrupt();
        return false;
    }
    if (reader->end - reader->in < (ptrdiff_t) BLOCK_HEADER_BYTES)
        postings_corrupt();
    count = reader->in[0];
    gap_bits = reader->in[1];
    tf_bits = reader->in[2];
    length_bits = reader->in[3];
    memcpy(&id, reader->in + 4, sizeof(int64));
    payload = reader->in + BLOCK_HEADER_BYTES;
    payload_bits = (uint64) (count - 1) * gap_bits + (uint64) count * (tf_bits + length_bits);
    if (count < 1 || count > POSTINGS_BLOCK || (uint32) count > reader->left || gap_bits > MAX_GAP_BITS ||
        tf_bits > 31 || length_bits > 31 || (uint64) (reader->end - payload) < (payload_bits + 7) / 8 ||
        id <= reader->previous_id || id > reader->last_id)
        postings_corrupt();

    unpack(payload, 0, gap_bits, count - 1, gaps);
    block->ids[0] = id;
    for (int i = 1; i < count; i++)
    {
        if (unlikely(gaps[i - 1] == 0 || gaps[i - 1] > (uint64) (reader->last_id - id)))
            postings_corrupt();
        id += (int64) gaps[i - 1];
        block->ids[i] = id;
    }
    unpack(payload, (uint64) (count - 1) * gap_bits, tf_bits, count, values);
    for (int i = 0; i < count; i++)
        block->tfs[i] = (int32) values[i];
    unpack(payload, (uint64) (count - 1) * gap_bits + (uint64) count * tf_bits, length_bits, count, values);
    for (int i = 0; i < count; i++)
        block->lengths[i] = (int32) values[i];

    block->count = count;
    reader->previous_id = id;
    reader->left -= count;
    reader->in = payload + (payload_bits + 7) / 8;
    if (reader->left == 0 && id != reader->last_id)
        postings_corrupt();
    return true;
}

PostingArray
postings_decode(const bytea *list)
{
    PostingArray out;
    PostingReader reader;
    PostingBlock block;
    PostingsHeader header = postings_open(list, &reader);

    out.count = 0;
    out.items = palloc(sizeof(Posting) * Max(header.count, 1));
    while (postings_next_block(&reader, &block))
        for (int i = 0; i < block.count; i++, out.count++)
        {
            out.items[out.count].id = block.ids[i];
            out.items[out.count].tf = block.tfs[i];
            out.items[out.count].length = block.lengths[i];
        }
    return out;
}

/* Appends `bits` bits of value to the stream (value < 2^bits, bits <= MAX_GAP_BITS). */
typedef struct BitWriter
{
    uint8 *out;
    uint64 pending;
    int npending; /* < 8 between calls */
} BitWriter;

static inline void
put_bits(BitWriter *w, uint64 value, int bits)
{
    if (bits == 0)
        return;
    w->pending |= value << w->npending;
    w->npending += bits;
    while (w->npending >= 8)
    {
        *w->out++ = (uint8) w->pending;
        w->pending >>= 8;
        w->npending -= 8;
    }
}

static inline void
flush_bits(BitWriter *w)
{
    if (w->npending > 0)
        *w->out++ = (uint8) w->pending;
    w->pending = 0;
    w->npending = 0;
}

static void
check_posting(const Posting *p, int64 previous)
{
    if (p->id <= previous)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("postings must have positive ids, strictly ascending (id %lld after %lld)",
                               (long long) p->id, (long long) previous)));
    if (p->tf < 1 || p->length < p->tf)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("posting of chunk %lld has tf %d and length %d", (long long) p->id, p->tf, p->length)));
}

/*
 * A list being written: the bytea in `buf` (its header filled in by list_finish), with the count
 * and the first and last id of the entries appended so far.
 */
typedef struct ListWriter
{
    StringInfoData buf;
    uint32 count;
    int64 first_id;
    int64 last_id;
} ListWriter;

static void
list_start(ListWriter *w)
{
    initStringInfo(&w->buf);
    enlargeStringInfo(&w->buf, VARHDRSZ + HEADER_BYTES);
    w->buf.len = VARHDRSZ + HEADER_BYTES;
    w->count = 0;
    w->first_id = 0;
    w->last_id = 0;
}

static void
list_note(ListWriter *w, int64 first_id, int64 last_id, int count)
{
    if (w->count == 0)
        w->first_id = first_id;
    w->last_id = last_id;
    w->count += (uint32) count;
}

/* Appends items as blocks; each must be a valid entry, ascending after the last one written. */
static void
list_append(ListWriter *w, const Posting *items, int count)
{
    for (int start = 0; start < count;)
    {
        int n = 1, gap_bits = 0, tf_bits, length_bits;
        uint64 max_tf, max_length;
        uint8 *block;
        BitWriter bits;

        check_posting(&items[start], w->count > 0 ? w->last_id : 0);
        max_tf = (uint64) items[start].tf;
        max_length = (uint64) items[start].length;
        /* a gap too wide for the packing starts a new block, whose first id is stored whole */
        while (n < POSTINGS_BLOCK && start + n < count)
        {
            const Posting *p = &items[start + n];

            check_posting(p, items[start + n - 1].id);
            if (bits_for((uint64) (p->id - items[start + n - 1].id)) > MAX_GAP_BITS)
                break;
            gap_bits = Max(gap_bits, bits_for((uint64) (p->id - items[start + n - 1].id)));
            max_tf = Max(max_tf, (uint64) p->tf);
            max_length = Max(max_length, (uint64) p->length);
            n++;
        }
        tf_bits = bits_for(max_tf);
        length_bits = bits_for(max_length);
        /* at worst every value at full width */
        enlargeStringInfo(&w->buf, BLOCK_HEADER_BYTES + n * 15);
        block = (uint8 *) w->buf.data + w->buf.len;
        block[0] = (uint8) n;
        block[1] = (uint8) gap_bits;
        block[2] = (uint8) tf_bits;
        block[3] = (uint8) length_bits;
        memcpy(block + 4, &items[start].id, sizeof(int64));
        bits.out = block + BLOCK_HEADER_BYTES;
        bits.pending = 0;
        bits.npending = 0;
        for (int i = 1; i < n; i++)
            put_bits(&bits, (uint64) (items[start + i].id - items[start + i - 1].id), gap_bits);
        for (int i = 0; i < n; i++)
            put_bits(&bits, (uint64) items[start + i].tf, tf_bits);
        for (int i = 0; i < n; i++)
            put_bits(&bits, (uint64) items[start + i].length, length_bits);
        flush_bits(&bits);
        w->buf.len = (int) (bits.out - (uint8 *) w->buf.data);
        list_note(w, items[start].id, items[start + n - 1].id, n);
        start += n;
    }
}

static bytea *
list_finish(ListWriter *w)
{
    uint8 *data;
    uint32 magic = POSTINGS_MAGIC;

    enlargeStringInfo(&w->buf, PADDING_BYTES);
    memset(w->buf.data + w->buf.len, 0, PADDING_BYTES);
    w->buf.len += PADDING_BYTES;
    data = (uint8 *) w->buf.data + VARHDRSZ;
    memcpy(data, &magic, sizeof(uint32));
    memcpy(data + sizeof(uint32), &w->count, sizeof(uint32));
    memcpy(data + 2 * sizeof(uint32), &w->first_id, sizeof(int64));
    memcpy(data + 2 * sizeof(uint32) + sizeof(int64), &w->last_id, sizeof(int64));
    SET_VARSIZE(w->buf.data, w->buf.len);
    return (bytea *) w->buf.data;
}

bytea *
postings_encode(const Posting *items, int count)
{
    ListWriter w;

    list_start(&w);
    list_append(&w, items, count);
    return list_finish(&w);
}

static int
compare_first_id(const void *a, const void *b)
{
    const PostingArray *x = a, *y = b;
    int64 xi = x->count ? x->items[0].id : PG_INT64_MAX;
    int64 yi = y->count ? y->items[0].id : PG_INT64_MAX;

    return (xi > yi) - (xi < yi);
}

PostingArray
postings_decode_merged(bytea **lists, int nlists, bool shared_ids)
{
    PostingArray *parts = palloc(sizeof(PostingArray) * Max(nlists, 1));
    PostingArray out;
    int *cursor = palloc0(sizeof(int) * Max(nlists, 1));
    bool disjoint = true;
    int total = 0;

    for (int i = 0; i < nlists; i++)
    {
        parts[i] = postings_decode(lists[i]);
        total += parts[i].count;
    }
    if (nlists == 1)
        return parts[0];
    /* Segments are written in id order almost always: then they only need to be laid end to end. */
    qsort(parts, nlists, sizeof(PostingArray), compare_first_id);
    for (int i = 1; i < nlists && disjoint; i++)
        if (parts[i].count && parts[i - 1].count && parts[i].items[0].id <= parts[i - 1].items[parts[i - 1].count - 1].id)
            disjoint = false;
    out.items = palloc(sizeof(Posting) * Max(total, 1));
    out.count = 0;
    if (disjoint)
    {
        for (int i = 0; i < nlists; i++)
        {
            memcpy(out.items + out.count, parts[i].items, sizeof(Posting) * parts[i].count);
            out.count += parts[i].count;
        }
        return out;
    }
    while (out.count < total)
    {
        int best = -1;

        for (int i = 0; i < nlists; i++)
            if (cursor[i] < parts[i].count &&
                (best < 0 || parts[i].items[cursor[i]].id < parts[best].items[cursor[best]].id))
                best = i;
        if (out.count > 0 && out.items[out.count - 1].id == parts[best].items[cursor[best]].id)
        {
            if (!shared_ids)
                ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                                errmsg("chunk %lld is in two postings segments of one key",
                                       (long long) parts[best].items[cursor[best]].id)));
            cursor[best]++;
            total--;
            continue;
        }
        out.items[out.count++] = parts[best].items[cursor[best]++];
    }
    return out;
}

/* The elements of a one-type array, none of them null (`what` names them in the error). */
static Datum *
array_items(ArrayType *array, Oid type, int *count, const char *what)
{
    int16 typlen;
    bool typbyval;
    char typalign;
    Datum *values;
    bool *nulls;

    get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
    deconstruct_array(array, type, typlen, typbyval, typalign, &values, &nulls, count);
    for (int i = 0; i < *count; i++)
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s is null", what)));
    return values;
}

static bytea **
bytea_array_items(ArrayType *array, int *count)
{
    Datum *values = array_items(array, BYTEAOID, count, "postings list");
    bytea **lists = palloc(sizeof(bytea *) * Max(*count, 1));

    for (int i = 0; i < *count; i++)
        lists[i] = DatumGetByteaPP(values[i]);
    return lists;
}

static int64 *
int8_array_items(ArrayType *array, int *count)
{
    Datum *values = array_items(array, INT8OID, count, "chunk id");
    int64 *out = palloc(sizeof(int64) * Max(*count, 1));

    for (int i = 0; i < *count; i++)
        out[i] = DatumGetInt64(values[i]);
    return out;
}

static int32 *
int4_array_items(ArrayType *array, int *count)
{
    Datum *values = array_items(array, INT4OID, count, "term frequency or length");
    int32 *out = palloc(sizeof(int32) * Max(*count, 1));

    for (int i = 0; i < *count; i++)
        out[i] = DatumGetInt32(values[i]);
    return out;
}

/* bm25_postings(ids bigint[], tfs integer[], lengths integer[]) -> bytea; ids strictly ascending. */
PG_FUNCTION_INFO_V1(bm25_postings);
Datum
bm25_postings(PG_FUNCTION_ARGS)
{
    int nids, ntfs, nlengths;
    int64 *ids = int8_array_items(PG_GETARG_ARRAYTYPE_P(0), &nids);
    int32 *tfs = int4_array_items(PG_GETARG_ARRAYTYPE_P(1), &ntfs);
    int32 *lengths = int4_array_items(PG_GETARG_ARRAYTYPE_P(2), &nlengths);
    Posting *items;

    if (nids != ntfs || nids != nlengths)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("postings need as many tfs and lengths as ids (%d, %d, %d)", nids, ntfs, nlengths)));
    items = palloc(sizeof(Posting) * Max(nids, 1));
    for (int i = 0; i < nids; i++)
    {
        items[i].id = ids[i];
        items[i].tf = tfs[i];
        items[i].length = lengths[i];
    }
    PG_RETURN_BYTEA_P(postings_encode(items, nids));
}

/* bm25_postings_merge(lists bytea[]) -> bytea: one list with every entry of the given ones. */
PG_FUNCTION_INFO_V1(bm25_postings_merge);
Datum
bm25_postings_merge(PG_FUNCTION_ARGS)
{
    int nlists;
    bytea **lists = bytea_array_items(PG_GETARG_ARRAYTYPE_P(0), &nlists);
    PostingArray merged = postings_decode_merged(lists, nlists, false);

    PG_RETURN_BYTEA_P(postings_encode(merged.items, merged.count));
}

static int
compare_int64(const void *a, const void *b)
{
    int64 x = *(const int64 *) a, y = *(const int64 *) b;

    return (x > y) - (x < y);
}

/*
 * bm25_postings_without(list bytea, ids bigint[]) -> bytea: the list less the entries of those ids.
 * A list whose id range holds none of them comes back as it was given, without being read past its
 * header (so an UPDATE keeps its stored value); otherwise only the blocks that hold one are written
 * anew, the others are copied as they are.
 */
PG_FUNCTION_INFO_V1(bm25_postings_without);
Datum
bm25_postings_without(PG_FUNCTION_ARGS)
{
    bytea *head = PG_GETARG_BYTEA_P_SLICE(0, 0, HEADER_BYTES);
    PostingsHeader header = read_header((const uint8 *) VARDATA_ANY(head), VARSIZE_ANY_EXHDR(head));
    int nids, next = 0;
    int64 *ids = int8_array_items(PG_GETARG_ARRAYTYPE_P(1), &nids);
    PostingReader reader;
    PostingBlock *block = palloc(sizeof(PostingBlock));
    Posting kept[POSTINGS_BLOCK];
    ListWriter w;

    qsort(ids, nids, sizeof(int64), compare_int64);
    while (next < nids && ids[next] < header.first_id)
        next++;
    if (header.count == 0 || next == nids || ids[next] > header.last_id)
        PG_RETURN_DATUM(PG_GETARG_DATUM(0));

    postings_open(PG_GETARG_BYTEA_PP(0), &reader);
    list_start(&w);
    for (;;)
    {
        const uint8 *start = reader.in;
        int nkept = 0;

        if (!postings_next_block(&reader, block))
            break;
        while (next < nids && ids[next] < block->ids[0])
            next++;
        if (next == nids || ids[next] > block->ids[block->count - 1])
        {
            /* untouched: its bytes as they are (a block's first id is stored whole) */
            if (w.count > 0 && block->ids[0] <= w.last_id)
                postings_corrupt();
            appendBinaryStringInfo(&w.buf, (const char *) start, (int) (reader.in - start));
            list_note(&w, block->ids[0], block->ids[block->count - 1], block->count);
            continue;
        }
        for (int i = 0; i < block->count; i++)
        {
            while (next < nids && ids[next] < block->ids[i])
                next++;
            if (next < nids && ids[next] == block->ids[i])
                continue;
            kept[nkept].id = block->ids[i];
            kept[nkept].tf = block->tfs[i];
            kept[nkept].length = block->lengths[i];
            nkept++;
        }
        list_append(&w, kept, nkept);
    }
    PG_RETURN_BYTEA_P(list_finish(&w));
}

/* bm25_postings_count(list bytea) -> integer */
PG_FUNCTION_INFO_V1(bm25_postings_count);
Datum
bm25_postings_count(PG_FUNCTION_ARGS)
{
    PG_RETURN_INT32((int32) postings_open(PG_GETARG_BYTEA_PP(0), NULL).count);
}

/* bm25_postings_entries(list bytea) -> TABLE (id bigint, tf integer, length integer) */
PG_FUNCTION_INFO_V1(bm25_postings_entries);
Datum
bm25_postings_entries(PG_FUNCTION_ARGS)
{
    ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
    PostingArray list = postings_decode(PG_GETARG_BYTEA_PP(0));

    InitMaterializedSRF(fcinfo, 0);
    for (int i = 0; i < list.count; i++)
    {
        Datum values[3] = {Int64GetDatum(list.items[i].id), Int32GetDatum(list.items[i].tf),
                           Int32GetDatum(list.items[i].length)};
        bool nulls[3] = {false, false, false};

        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum) 0;
}
