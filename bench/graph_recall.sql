-- Recall@10 and latency of one tenant's HNSW graph against exact search, by ef_search, in SQL
-- only (no client, no row-level security: every row of the partition, as a staff agent sees it).
-- BENCHMARKS.md's graph comparison ("Where the recall came from") was measured with it:
--
--   ragctl embed --merchant bm001 --bench-queries 60 > /tmp/queries.tsv
--   psql "$DB" -v partition=chunks_m_bm001 -v dims=384 -v vectors=/tmp/queries.tsv -f bench/graph_recall.sql
--
-- dims is the tenant's embedding dimension count (1536 for `hash`, 384 for `corpus`). Recall is
-- given twice: by id against the exact 10, and as ann-benchmarks counts it (a row is a true
-- neighbour when its distance is within 1e-3 of the exact 10th), which does not count rows tied
-- with the exact 10th (equal vectors of templated chunks) as misses.
--
-- To compare two graph definitions on the same tenant, build the other one beside the tenant's
-- graph (CREATE INDEX ... ON <partition> USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops)
-- WITH (...)) and run the sweep again inside BEGIN; DROP INDEX chunks_embedding_hnsw; ... ROLLBACK;
-- so the planner can only use the new one. Ground truth runs once (an exact scan per query, about
-- 3 s each at 300,000 chunks) and stays in the scratch schema ac_graph_bench until it is dropped.

\set ON_ERROR_STOP on
CREATE SCHEMA IF NOT EXISTS ac_graph_bench;
CREATE TABLE IF NOT EXISTS ac_graph_bench.queries (id int PRIMARY KEY, v vector);
TRUNCATE ac_graph_bench.queries;
-- (\copy does not expand variables itself)
\set load_queries '\\copy ac_graph_bench.queries FROM ' :'vectors'
:load_queries

CREATE TABLE IF NOT EXISTS ac_graph_bench.truth (partition text, id int, ids bigint[], kth float8,
                                                 PRIMARY KEY (partition, id));
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT format('INSERT INTO ac_graph_bench.truth '
              'SELECT %L, q.id, c.ids, c.kth FROM ac_graph_bench.queries q CROSS JOIN LATERAL '
              '(SELECT array_agg(e.id ORDER BY e.d) AS ids, max(e.d) AS kth FROM '
              '(SELECT id, embedding <=> q.v AS d FROM %I ORDER BY embedding <=> q.v LIMIT 10) e) c '
              'WHERE NOT EXISTS '
              '(SELECT 1 FROM ac_graph_bench.truth t WHERE t.partition = %L AND t.id = q.id)',
              :'partition', :'partition', :'partition') \gexec
RESET enable_indexscan;
RESET enable_bitmapscan;

-- Per query: the graph's 10 nearest by the half-precision distance it indexes, ranked by the full
-- one (as the product's graph path does), against the exact 10.
DROP FUNCTION IF EXISTS ac_graph_bench.sweep(text, int);
CREATE OR REPLACE FUNCTION ac_graph_bench.sweep(partition text, dims int, ef int)
RETURNS TABLE (ef_search int, recall_at_10 numeric, recall_at_10_ties numeric, p50_ms numeric, p95_ms numeric)
LANGUAGE plpgsql AS $$
DECLARE
    q record;
    got bigint[];
    got_d float8[];
    started timestamptz;
    times float8[] := '{}';
    hits int := 0;
    tied int := 0;
    n int := 0;
BEGIN
    PERFORM set_config('hnsw.ef_search', ef::text, true);
    PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
    PERFORM set_config('enable_seqscan', 'off', true);
    FOR q IN SELECT t.ids, t.kth, v.v FROM ac_graph_bench.truth t JOIN ac_graph_bench.queries v USING (id)
             WHERE t.partition = sweep.partition ORDER BY id LOOP
        started := clock_timestamp();
        EXECUTE format('SELECT array_agg(id ORDER BY d), array_agg(d ORDER BY d) FROM (SELECT id, embedding <=> $1 AS d FROM %I '
                       'WHERE embedding_dims = %s ORDER BY embedding::halfvec(%s) <=> $1::halfvec(%s) LIMIT 10) s',
                       partition, dims, dims, dims)
            INTO got, got_d USING q.v;
        times := times || extract(epoch FROM clock_timestamp() - started) * 1000;
        hits := hits + (SELECT count(*) FROM unnest(got) AS g WHERE g = ANY (q.ids));
        tied := tied + (SELECT count(*) FROM unnest(got_d) AS g WHERE g <= q.kth + 1e-3);
        n := n + 1;
    END LOOP;
    ef_search := ef;
    recall_at_10 := round(hits::numeric / (10 * greatest(n, 1)), 3);
    recall_at_10_ties := round(tied::numeric / (10 * greatest(n, 1)), 3);
    SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY x)::numeric, 2),
           round(percentile_disc(0.95) WITHIN GROUP (ORDER BY x)::numeric, 2)
      INTO p50_ms, p95_ms FROM unnest(times) AS x;
    RETURN NEXT;
END
$$;

-- The partition's indexes into shared buffers first, as a running service would have them.
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
SELECT count(pg_prewarm(indexrelid)) AS indexes_prewarmed FROM pg_index WHERE indrelid = :'partition'::regclass;

SELECT * FROM ac_graph_bench.sweep(:'partition', :dims, 40)
UNION ALL SELECT * FROM ac_graph_bench.sweep(:'partition', :dims, 100)
UNION ALL SELECT * FROM ac_graph_bench.sweep(:'partition', :dims, 200)
UNION ALL SELECT * FROM ac_graph_bench.sweep(:'partition', :dims, 400);
