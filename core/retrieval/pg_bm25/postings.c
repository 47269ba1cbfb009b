#include "postings.h"

#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_MODULE_MAGIC;

#define HEADER_BYTES (sizeof(uint32) + 2 * sizeof(int64))
#define MAX_VARINT_BYTES 10

void
postings_corrupt(void)
{
    ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list is truncated or corrupt")));
}

static uint8 *
put_varint(uint8 *out, uint64 value)
{
    while (value >= 0x80)
    {
        *out++ = (uint8) (value | 0x80);
        value >>= 7;
    }
    *out++ = (uint8) value;
    return out;
}

PostingsHeader
postings_open(const bytea *list, PostingReader *reader)
{
    PostingsHeader header;
    const uint8 *data = (const uint8 *) VARDATA_ANY(list);

    if (VARSIZE_ANY_EXHDR(list) < HEADER_BYTES)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list has no header")));
    memcpy(&header.count, data, sizeof(uint32));
    memcpy(&header.first_id, data + sizeof(uint32), sizeof(int64));
    memcpy(&header.last_id, data + sizeof(uint32) + sizeof(int64), sizeof(int64));
    if (header.count > PG_INT32_MAX)
        postings_corrupt();
    if (reader)
    {
        reader->in = data + HEADER_BYTES;
        reader->end = data + VARSIZE_ANY_EXHDR(list);
        reader->left = header.count;
        reader->id = 0;
    }
    return header;
}

PostingArray
postings_decode(const bytea *list)
{
    PostingArray out;
    PostingReader reader;
    PostingsHeader header = postings_open(list, &reader);

    out.count = (int) header.count;
    out.items = palloc(sizeof(Posting) * Max(out.count, 1));
    for (int i = 0; i < out.count; i++)
        postings_next(&reader, &out.items[i]);
    if (reader.in != reader.end)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list has trailing bytes")));
    return out;
}

bytea *
postings_encode(const Posting *items, int count)
{
    bytea *list = palloc(VARHDRSZ + HEADER_BYTES + (Size) count * 3 * MAX_VARINT_BYTES);
    uint8 *out = (uint8 *) VARDATA(list) + HEADER_BYTES;
    uint32 stored = (uint32) count;
    int64 previous = 0;

    int64 first = count > 0 ? items[0].id : 0;
    int64 last = count > 0 ? items[count - 1].id : 0;

    memcpy(VARDATA(list), &stored, sizeof(uint32));
    memcpy(VARDATA(list) + sizeof(uint32), &first, sizeof(int64));
    memcpy(VARDATA(list) + sizeof(uint32) + sizeof(int64), &last, sizeof(int64));
    for (int i = 0; i < count; i++)
    {
        if (items[i].id <= previous)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("postings must have positive ids, strictly ascending (id %lld after %lld)",
                                   (long long) items[i].id, (long long) previous)));
        if (items[i].tf < 1 || items[i].length < items[i].tf)
            ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                            errmsg("posting of chunk %lld has tf %d and length %d", (long long) items[i].id,
                                   items[i].tf, items[i].length)));
        out = put_varint(out, (uint64) (items[i].id - previous));
        out = put_varint(out, (uint64) items[i].tf);
        out = put_varint(out, (uint64) items[i].length);
        previous = items[i].id;
    }
    SET_VARSIZE(list, out - (uint8 *) list);
    return list;
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

static bytea **
bytea_array_items(ArrayType *array, int *count)
{
    Datum *values;
    bool *nulls;
    bytea **lists;

    deconstruct_array(array, BYTEAOID, -1, false, TYPALIGN_INT, &values, &nulls, count);
    lists = palloc(sizeof(bytea *) * Max(*count, 1));
    for (int i = 0; i < *count; i++)
    {
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("postings list is null")));
        lists[i] = DatumGetByteaPP(values[i]);
    }
    return lists;
}

static int64 *
int8_array_items(ArrayType *array, int *count)
{
    Datum *values;
    bool *nulls;
    int64 *out;

    deconstruct_array(array, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &values, &nulls, count);
    out = palloc(sizeof(int64) * Max(*count, 1));
    for (int i = 0; i < *count; i++)
    {
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("chunk id is null")));
        out[i] = DatumGetInt64(values[i]);
    }
    return out;
}

static int32 *
int4_array_items(ArrayType *array, int *count)
{
    Datum *values;
    bool *nulls;
    int32 *out;

    deconstruct_array(array, INT4OID, 4, true, TYPALIGN_INT, &values, &nulls, count);
    out = palloc(sizeof(int32) * Max(*count, 1));
    for (int i = 0; i < *count; i++)
    {
        if (nulls[i])
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("term frequency or length is null")));
        out[i] = DatumGetInt32(values[i]);
    }
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

/* bm25_postings_without(list bytea, ids bigint[]) -> bytea: the list less the entries of those ids. */
PG_FUNCTION_INFO_V1(bm25_postings_without);
Datum
bm25_postings_without(PG_FUNCTION_ARGS)
{
    PostingArray list = postings_decode(PG_GETARG_BYTEA_PP(0));
    int nids;
    int64 *ids = int8_array_items(PG_GETARG_ARRAYTYPE_P(1), &nids);
    int kept = 0, next = 0;

    qsort(ids, nids, sizeof(int64), compare_int64);
    for (int i = 0; i < list.count; i++)
    {
        while (next < nids && ids[next] < list.items[i].id)
            next++;
        if (next < nids && ids[next] == list.items[i].id)
            continue;
        list.items[kept++] = list.items[i];
    }
    PG_RETURN_BYTEA_P(postings_encode(list.items, kept));
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
