-- Where a tenant's graph loses its recall, query by query, and what does not win it back, in SQL
-- only, on the queries and ground truth bench/graph_recall.sql leaves in ac_graph_bench (run it
-- first, with the same partition). BENCHMARKS.md's "Where the misses are: whole queries in the wrong
-- basin" was measured this way:
--
--   ragctl embed --merchant bm000 --bench-queries 120 > /tmp/queries.tsv
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -v vectors=/tmp/queries.tsv -f bench/graph_recall.sql
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -f bench/recall_basins.sql     # 8 min
--
-- Each part answers one question:
--   1. are the misses spread over queries (near ties) or whole queries (a search that ends in the
--      wrong part of the graph)? Hits per query at ef_search 200, and the truth rank of the misses;
--   2. do the missed rows belong to another topic than the query's best row (the generator's
--      document category)?
--   3. does more search effort reach them? The worst queries at ef_search 200 / 400 / 800 / 1,000;
--   4. a funnel over the model's leading dimensions (LSA orders them by singular value, so a prefix
--      is itself a smaller model): how much of the truth the exact 50-400 nearest by the first
--      32-128 dimensions hold, the ceiling of a prefix graph re-ranked by the full vector;

\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE basin_truth AS
SELECT t.id AS query, u.id, u.rank FROM ac_graph_bench.truth t
CROSS JOIN LATERAL unnest(t.ids) WITH ORDINALITY AS u(id, rank) WHERE t.partition = :'partition';

-- 1. Misses by query.
BEGIN;
SET LOCAL hnsw.ef_search = 200;
SET LOCAL hnsw.iterative_scan = relaxed_order;
SET LOCAL enable_seqscan = off;
SELECT format('CREATE TEMP TABLE basin_found AS SELECT q.id AS query, f.id FROM ac_graph_bench.queries q '
              'CROSS JOIN LATERAL (SELECT id FROM %I WHERE embedding_dims = %s '
              'ORDER BY embedding::halfvec(%s) <=> q.v::halfvec(%s) LIMIT 10) f',
              :'partition', :dims, :dims, :dims) \gexec
COMMIT;
CREATE TEMP TABLE basin_hits AS
SELECT t.query, count(f.id) AS hits FROM basin_truth t LEFT JOIN basin_found f ON f.query = t.query AND f.id = t.id
GROUP BY t.query;
SELECT hits AS hits_of_10, count(*) AS queries FROM basin_hits GROUP BY hits ORDER BY hits;
SELECT t.rank AS truth_rank, count(*) FILTER (WHERE f.id IS NULL) AS missed
FROM basin_truth t LEFT JOIN basin_found f ON f.query = t.query AND f.id = t.id GROUP BY t.rank ORDER BY t.rank;

-- 2. The topic of each missed row against that of the query's best row.
SELECT format($q$
SELECT (d.category = best.category) AS same_topic_as_best_row, count(*) AS missed
FROM basin_truth t LEFT JOIN basin_found f ON f.query = t.query AND f.id = t.id
JOIN %1$I c ON c.id = t.id JOIN support_documents d ON d.merchant_id = c.merchant_id AND d.id = c.document_id
JOIN LATERAL (SELECT d1.category FROM basin_truth t1 JOIN %1$I c1 ON c1.id = t1.id
              JOIN support_documents d1 ON d1.merchant_id = c1.merchant_id AND d1.id = c1.document_id
              WHERE t1.query = t.query AND t1.rank = 1) best ON true
WHERE f.id IS NULL GROUP BY 1 ORDER BY 1
$q$, :'partition') \gexec

-- 3. The worst queries with more effort.
CREATE FUNCTION pg_temp.basin_probe(partition text, dims int, query int, ef int)
RETURNS TABLE (query_id int, ef_search int, hits bigint, best_distance_found float8, best_distance_true float8)
LANGUAGE plpgsql AS $$
DECLARE
    v vector;
    got bigint[];
    nearest float8;
BEGIN
    SELECT q.v INTO v FROM ac_graph_bench.queries q WHERE q.id = basin_probe.query;
    PERFORM set_config('hnsw.ef_search', ef::text, true);
    PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    PERFORM set_config('enable_seqscan', 'off', true);
    EXECUTE format('SELECT array_agg(id), min(d) FROM (SELECT id, embedding <=> $1 AS d FROM %I WHERE embedding_dims = %s '
                   'ORDER BY embedding::halfvec(%s) <=> $1::halfvec(%s) LIMIT 10) s', partition, dims, dims, dims)
        INTO got, nearest USING v;
    EXECUTE format('SELECT embedding <=> $1 FROM %I WHERE id = $2', partition)
        INTO best_distance_true USING v, (SELECT t.id FROM basin_truth t WHERE t.query = basin_probe.query AND t.rank = 1);
    query_id := query;
    ef_search := ef;
    hits := (SELECT count(*) FROM basin_truth t WHERE t.query = basin_probe.query AND t.id = ANY (got));
    best_distance_found := nearest;
    RETURN NEXT;
END
$$;
SELECT p.* FROM (SELECT query FROM basin_hits WHERE hits <= 3 ORDER BY query LIMIT 6) w,
     (VALUES (200), (400), (800), (1000)) AS e(ef),
     LATERAL pg_temp.basin_probe(:'partition', :dims, w.query, e.ef) p ORDER BY 1, 2;

-- 4. The prefix funnel's ceiling (exact scans; about 1 min per prefix length at 300,000 rows).
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT format($q$
SELECT p.p AS leading_dims,
       round(avg((SELECT count(*) FROM unnest(t.ids) u WHERE u = ANY (c.ids[1:50]))) / 10, 3) AS truth_in_50,
       round(avg((SELECT count(*) FROM unnest(t.ids) u WHERE u = ANY (c.ids[1:100]))) / 10, 3) AS truth_in_100,
       round(avg((SELECT count(*) FROM unnest(t.ids) u WHERE u = ANY (c.ids[1:200]))) / 10, 3) AS truth_in_200,
       round(avg((SELECT count(*) FROM unnest(t.ids) u WHERE u = ANY (c.ids))) / 10, 3) AS truth_in_400
FROM (VALUES (32), (64), (96), (128)) AS p(p)
CROSS JOIN ac_graph_bench.truth t JOIN ac_graph_bench.queries q USING (id)
CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY d) AS ids FROM
    (SELECT id, subvector(embedding, 1, p.p) <=> subvector(q.v, 1, p.p) AS d FROM %I ORDER BY 2 LIMIT 400) s) c
WHERE t.partition = %L GROUP BY p.p ORDER BY p.p
$q$, :'partition', :'partition') \gexec

