#include "postings.h"

#include "fmgr.h"
#include "funcapi.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_MODULE_MAGIC;

#define HEADER_BYTES 4
#define MAX_VARINT_BYTES 10

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

static const uint8 *
get_varint(const uint8 *in, const uint8 *end, uint64 *value)
{
    uint64 result = 0;
    int shift = 0;

    for (;;)
    {
        if (in >= end || shift > 63)
            ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list is truncated or corrupt")));
        result |= ((uint64) (*in & 0x7F)) << shift;
        if ((*in++ & 0x80) == 0)
            break;
        shift += 7;
    }
    *value = result;
    return in;
}

static uint32
stored_count(const bytea *list)
{
    uint32 count;

    if (VARSIZE_ANY_EXHDR(list) < HEADER_BYTES)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list has no header")));
    memcpy(&count, VARDATA_ANY(list), HEADER_BYTES);
    return count;
}

PostingArray
postings_decode(const bytea *list)
{
    PostingArray out;
    const uint8 *in = (const uint8 *) VARDATA_ANY(list) + HEADER_BYTES;
    const uint8 *end = (const uint8 *) VARDATA_ANY(list) + VARSIZE_ANY_EXHDR(list);
    uint64 id = 0;

    out.count = (int) stored_count(list);
    out.items = palloc(sizeof(Posting) * Max(out.count, 1));
    for (int i = 0; i < out.count; i++)
    {
        uint64 gap, tf, length;

        in = get_varint(in, end, &gap);
        in = get_varint(in, end, &tf);
        in = get_varint(in, end, &length);
        id += gap;
        out.items[i].id = (int64) id;
        out.items[i].tf = (int32) tf;
        out.items[i].length = (int32) length;
    }
    if (in != end)
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

    memcpy(VARDATA(list), &stored, HEADER_BYTES);
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
    bytea *list = PG_GETARG_BYTEA_PP(0);
    uint32 count = stored_count(list);

    if (count > PG_INT32_MAX)
        ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("postings list is corrupt")));
    PG_RETURN_INT32((int32) count);
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
