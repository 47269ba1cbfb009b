-- Where a tenant's graph loses its recall, query by query, and what does not win it back, in SQL
-- only, on the queries and ground truth bench/graph_recall.sql leaves in ac_graph_bench (run it
-- first, with the same partition). BENCHMARKS.md's "Where the misses are: whole queries in the wrong
-- basin" was measured this way:
--
--   ragctl embed --merchant bm000 --bench-queries 120 > /tmp/queries.tsv
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -v vectors=/tmp/queries.tsv -f bench/graph_recall.sql
--   ragctl embed --bench-queries 120 --texts > /tmp/texts.tsv
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -v merchant=bm000 -v texts=/tmp/texts.tsv \
--        -f bench/recall_basins.sql     # 10 min
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
--   5. lexical seeds (with -v texts and -v merchant, the queries' texts): the graph's 50 nearest at
--      ef_search 100, the lexical leg's 50 (as a staff agent), and both together, each re-ranked by
--      the exact distance, against the truth;
--   6. centring: each row minus the rows' mean, lifted onto a sphere by one more coordinate (the
--      inner-product-to-cosine reduction, so the ranking is exactly the model's), a new graph.

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
RESET enable_indexscan;
RESET enable_bitmapscan;

-- 5. Lexical seeds.
\if :{?texts}
CREATE TEMP TABLE basin_texts (id int, t text);
\set load_texts '\\copy basin_texts FROM ' :'texts'
:load_texts
CREATE TEMP TABLE basin_lexical AS
SELECT q.id AS query, h.id FROM basin_texts q CROSS JOIN LATERAL app.bm25_leg(
    :'merchant', (SELECT version FROM corpus_versions WHERE merchant_id = :'merchant' AND state = 'live'),
    '{role:staff}', q.t, 1.2, 0.75, 0, 50) h;
BEGIN;
SET LOCAL hnsw.ef_search = 100;
SET LOCAL hnsw.iterative_scan = relaxed_order;
SET LOCAL enable_seqscan = off;
SELECT format('CREATE TEMP TABLE basin_graph AS SELECT q.id AS query, f.id FROM ac_graph_bench.queries q '
              'CROSS JOIN LATERAL (SELECT id FROM %I WHERE embedding_dims = %s '
              'ORDER BY embedding::halfvec(%s) <=> q.v::halfvec(%s) LIMIT 50) f',
              :'partition', :dims, :dims, :dims) \gexec
COMMIT;
SELECT format($q$
SELECT s.source AS candidates,
       round(avg((SELECT count(*) FROM (SELECT c.id FROM %1$I c WHERE c.id IN (
                      SELECT id FROM basin_graph g WHERE g.query = q.id AND s.source <> 'lexical 50'
                      UNION SELECT id FROM basin_lexical l WHERE l.query = q.id AND s.source <> 'graph 50')
                  ORDER BY c.embedding <=> q.v LIMIT 10) r
                  WHERE r.id IN (SELECT t.id FROM basin_truth t WHERE t.query = q.id))) / 10, 3) AS recall_at_10
FROM (VALUES ('graph 50'), ('lexical 50'), ('both')) AS s(source), ac_graph_bench.queries q
GROUP BY s.source ORDER BY 2
$q$, :'partition') \gexec
\endif

-- 6. Centring (builds a graph of the tenant's size: about 3.5 min at 300,000 rows).
SET maintenance_work_mem = '2GB';
DROP TABLE IF EXISTS ac_graph_bench.centred;
SELECT format('CREATE TEMP TABLE basin_centre AS SELECT avg(embedding) AS c FROM %I WHERE embedding_dims = %s',
              :'partition', :dims) \gexec
SELECT format('CREATE TEMP TABLE basin_radius AS SELECT max(vector_norm(embedding - (SELECT c FROM basin_centre))) * 1.0001 AS r '
              'FROM %I WHERE embedding_dims = %s', :'partition', :dims) \gexec
SELECT format('CREATE TABLE ac_graph_bench.centred AS SELECT id, (embedding - (SELECT c FROM basin_centre)) '
              '|| ARRAY[sqrt((SELECT r * r FROM basin_radius) - vector_norm(embedding - (SELECT c FROM basin_centre)) ^ 2)]::vector AS v '
              'FROM %I WHERE embedding_dims = %s', :'partition', :dims) \gexec
SELECT format('CREATE INDEX ON ac_graph_bench.centred USING hnsw ((v::halfvec(%s)) halfvec_cosine_ops) '
              'WITH (m = 32, ef_construction = 128)', :dims + 1) \gexec
SET enable_indexscan = off;
SELECT round(avg((SELECT count(*) FROM (SELECT c.id FROM ac_graph_bench.centred c ORDER BY c.v <=> (q.v || ARRAY[0]::vector) LIMIT 10) e
                  WHERE e.id IN (SELECT t.id FROM basin_truth t WHERE t.query = q.id))) / 10, 3) AS exact_truth_shared_with_model
FROM ac_graph_bench.queries q;
RESET enable_indexscan;
CREATE FUNCTION pg_temp.basin_centred(dims int, ef int)
RETURNS TABLE (ef_search int, recall_at_10 numeric, p95_ms numeric)
LANGUAGE plpgsql AS $$
DECLARE
    probe record;
    got bigint[];
    started timestamptz;
    times float8[] := '{}';
    hits int := 0;
BEGIN
    PERFORM set_config('enable_seqscan', 'off', true);
    PERFORM set_config('hnsw.ef_search', ef::text, true);
    FOR probe IN SELECT q.id, q.v || ARRAY[0]::vector AS v FROM ac_graph_bench.queries q ORDER BY q.id LOOP
        started := clock_timestamp();
        EXECUTE format('SELECT array_agg(id) FROM (SELECT id FROM ac_graph_bench.centred '
                       'ORDER BY v::halfvec(%s) <=> $1::halfvec(%s) LIMIT 10) s', dims + 1, dims + 1) INTO got USING probe.v;
        times := times || extract(epoch FROM clock_timestamp() - started) * 1000;
        hits := hits + (SELECT count(*) FROM basin_truth t WHERE t.query = probe.id AND t.id = ANY (got));
    END LOOP;
    ef_search := ef;
    recall_at_10 := round(hits::numeric / (SELECT count(*) FROM basin_truth), 3);
    SELECT round(percentile_disc(0.95) WITHIN GROUP (ORDER BY x)::numeric, 2) INTO p95_ms FROM unnest(times) AS x;
    RETURN NEXT;
END
$$;
SELECT * FROM pg_temp.basin_centred(:dims, 100) UNION ALL SELECT * FROM pg_temp.basin_centred(:dims, 200);
