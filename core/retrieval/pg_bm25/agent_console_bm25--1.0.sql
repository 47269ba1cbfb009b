\echo Use "CREATE EXTENSION agent_console_bm25" to load this file. \quit

CREATE FUNCTION bm25_postings(ids bigint[], tfs integer[], lengths integer[]) RETURNS bytea
AS 'MODULE_PATHNAME', 'bm25_postings' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bm25_postings_merge(lists bytea[]) RETURNS bytea
AS 'MODULE_PATHNAME', 'bm25_postings_merge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bm25_postings_without(list bytea, ids bigint[]) RETURNS bytea
AS 'MODULE_PATHNAME', 'bm25_postings_without' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bm25_postings_count(list bytea) RETURNS integer
AS 'MODULE_PATHNAME', 'bm25_postings_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION bm25_postings_entries(list bytea, OUT id bigint, OUT tf integer, OUT length integer)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bm25_postings_entries' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;

CREATE FUNCTION bm25_top(lists bytea[], terms integer[], idfs double precision[], k1 real, b real,
                         avgdl double precision, n integer, OUT id bigint, OUT score real)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bm25_top' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
