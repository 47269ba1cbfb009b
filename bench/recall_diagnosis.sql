-- Why a tenant's graph misses some of the exact 10 nearest: what limits recall@10, in SQL only, on
-- the queries and ground truth that bench/graph_recall.sql leaves in ac_graph_bench (run it first,
-- with the same partition). BENCHMARKS.md's "Why the vector leg's recall stays below 0.97" was
-- measured this way:
--
--   ragctl embed --merchant bm000 --bench-queries 120 > /tmp/queries.tsv
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -v vectors=/tmp/queries.tsv -f bench/graph_recall.sql
--   psql "$DB" -v partition=chunks_m_bm000 -v dims=384 -f bench/recall_diagnosis.sql
--
-- Each part answers one question:
--   1. half precision: an exact scan by the halfvec distance the graph indexes, against the truth;
--   2. the graph's candidates: how much of the truth its 40 nearest hold at ef_search 200 (if not
--      all, no re-ranking of what it returns can help);
--   3. IVFFlat instead of the graph (built in a transaction that drops the graphs, rolled back);
--   4. binary quantization: the 200 / 1,000 / 3,000 nearest by Hamming distance of the sign bits,
--      re-ranked by the float distance;
--   5. the spectrum: per-dimension variance, and graph recall after rescaling every dimension by
--      its standard deviation to the power -1/2 (flatter) or +1/2 (steeper), each with a new graph
--      and a truth of its own, and how many of that truth's rows are the model's.
-- Scratch tables stay in ac_graph_bench until it is dropped. Part 5 builds two graphs of the
-- tenant's size (about 4 min each at 300,000 chunks).

\set ON_ERROR_STOP on
SET max_parallel_workers_per_gather = 0;
SET maintenance_work_mem = '2GB';
CREATE TEMP TABLE diag_truth AS
SELECT t.id AS query, u.id, q.v FROM ac_graph_bench.truth t JOIN ac_graph_bench.queries q USING (id)
CROSS JOIN LATERAL unnest(t.ids) AS u(id) WHERE t.partition = :'partition';

-- 1. Half precision.
SET enable_indexscan = off;
SET enable_bitmapscan = off;
SELECT format('SELECT round(count(*)::numeric / (SELECT count(*) FROM diag_truth), 3) AS halfvec_exact_recall '
              'FROM (SELECT DISTINCT query, v FROM diag_truth) q CROSS JOIN LATERAL '
              '(SELECT id FROM %I WHERE embedding_dims = %s ORDER BY embedding::halfvec(%s) <=> q.v::halfvec(%s) LIMIT 10) c '
              'WHERE c.id IN (SELECT id FROM diag_truth t WHERE t.query = q.query)',
              :'partition', :dims, :dims, :dims) \gexec
RESET enable_indexscan;
RESET enable_bitmapscan;

-- 2. The graph's 40 nearest.
BEGIN;
SET LOCAL hnsw.ef_search = 200;
SET LOCAL hnsw.iterative_scan = relaxed_order;
SET LOCAL enable_seqscan = off;
SELECT format('SELECT round(count(*)::numeric / (SELECT count(*) FROM diag_truth), 3) AS truth_in_graph_top_40 '
              'FROM (SELECT DISTINCT query, v FROM diag_truth) q CROSS JOIN LATERAL '
              '(SELECT id FROM %I WHERE embedding_dims = %s ORDER BY embedding::halfvec(%s) <=> q.v::halfvec(%s) LIMIT 40) c '
              'WHERE c.id IN (SELECT id FROM diag_truth t WHERE t.query = q.query)',
              :'partition', :dims, :dims, :dims) \gexec
COMMIT;

-- 3. IVFFlat, the graphs out of the way until ROLLBACK.
BEGIN;
SELECT format('DROP INDEX %s', indexrelid::regclass) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am a ON a.oid = c.relam WHERE i.indrelid = :'partition'::regclass AND a.amname = 'hnsw' \gexec
SELECT format('CREATE INDEX diag_ivf ON %I USING ivfflat ((embedding::halfvec(%s)) halfvec_cosine_ops) '
              'WITH (lists = 600) WHERE embedding_dims = %s', :'partition', :dims, :dims) \gexec
SET LOCAL ivfflat.probes = 10;
SELECT 10 AS ivfflat_probes, recall_at_10, p50_ms, p95_ms FROM ac_graph_bench.sweep(:'partition', :dims, 40);
SET LOCAL ivfflat.probes = 20;
SELECT 20 AS ivfflat_probes, recall_at_10, p50_ms, p95_ms FROM ac_graph_bench.sweep(:'partition', :dims, 40);
SET LOCAL ivfflat.probes = 30;
SELECT 30 AS ivfflat_probes, recall_at_10, p50_ms, p95_ms FROM ac_graph_bench.sweep(:'partition', :dims, 40);
SET LOCAL ivfflat.probes = 45;
SELECT 45 AS ivfflat_probes, recall_at_10, p50_ms, p95_ms FROM ac_graph_bench.sweep(:'partition', :dims, 40);
ROLLBACK;

-- 4. Binary quantization, plain and with the mean vector subtracted first.
DROP TABLE IF EXISTS ac_graph_bench.codes;
SELECT format('CREATE TABLE ac_graph_bench.codes AS SELECT id, embedding, '
              'binary_quantize(embedding)::bit(%s) AS code FROM %I WHERE embedding_dims = %s',
              :dims, :'partition', :dims) \gexec
CREATE TEMP TABLE diag_mean AS SELECT avg(embedding) AS m FROM ac_graph_bench.codes;
SELECT format('ALTER TABLE ac_graph_bench.codes ADD COLUMN centred bit(%s)', :dims) \gexec
SELECT format('UPDATE ac_graph_bench.codes SET centred = binary_quantize(embedding - (SELECT m FROM diag_mean))::bit(%s)',
              :dims) \gexec
SELECT format($q$
SELECT k.k AS candidates,
       round(avg((SELECT count(*) FROM (SELECT c.id FROM (SELECT id, embedding FROM ac_graph_bench.codes
                    ORDER BY code <~> binary_quantize(q.v)::bit(%1$s) LIMIT k.k) c ORDER BY c.embedding <=> q.v LIMIT 10) r
                  WHERE r.id IN (SELECT id FROM diag_truth t WHERE t.query = q.query)) / 10.0), 3) AS recall,
       round(avg((SELECT count(*) FROM (SELECT c.id FROM (SELECT id, embedding FROM ac_graph_bench.codes
                    ORDER BY centred <~> binary_quantize(q.v - (SELECT m FROM diag_mean))::bit(%1$s) LIMIT k.k) c
                    ORDER BY c.embedding <=> q.v LIMIT 10) r
                  WHERE r.id IN (SELECT id FROM diag_truth t WHERE t.query = q.query)) / 10.0), 3) AS recall_centred
FROM (VALUES (200), (1000), (3000)) AS k(k), (SELECT DISTINCT query, v FROM diag_truth) q GROUP BY k.k ORDER BY k.k
$q$, :dims) \gexec

-- 5. The spectrum.
WITH d AS (SELECT i, var_pop(a[i]) AS v FROM (SELECT embedding::real[] AS a FROM ac_graph_bench.codes WHERE id % 100 = 0) s,
                  generate_series(1, :dims) AS i GROUP BY i)
SELECT max(v) AS largest_variance, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median_variance,
       (SELECT sum(v) FROM (SELECT v FROM d ORDER BY v DESC LIMIT :dims / 10) t) / sum(v) AS share_of_top_tenth
FROM d;

CREATE OR REPLACE FUNCTION ac_graph_bench.reshaped(power float8, dims int)
RETURNS TABLE (power_of_sd float8, ef_search int, recall_at_10 numeric, p50_ms numeric, p95_ms numeric,
               truth_shared_with_model numeric)
LANGUAGE plpgsql AS $$
DECLARE
    e int;
    probe record;
    got bigint[];
    started timestamptz;
    times float8[];
    hits int;
BEGIN
    DROP TABLE IF EXISTS ac_graph_bench.reshaped_rows, ac_graph_bench.reshaped_queries, ac_graph_bench.reshaped_truth;
    CREATE TABLE ac_graph_bench.reshaped_rows AS
    SELECT c.id, l2_normalize(c.embedding * s.scale) AS v FROM ac_graph_bench.codes c,
        (SELECT array_agg(pow(greatest(sd, 1e-6), power)::real ORDER BY i)::vector AS scale
         FROM (SELECT i, stddev_pop(a[i]) AS sd FROM (SELECT embedding::real[] AS a FROM ac_graph_bench.codes
                                                      WHERE id % 100 = 0) x, generate_series(1, dims) AS i GROUP BY i) d) s;
    CREATE TABLE ac_graph_bench.reshaped_queries AS
    SELECT DISTINCT t.query, l2_normalize(t.v * s.scale) AS v FROM diag_truth t,
        (SELECT array_agg(pow(greatest(sd, 1e-6), power)::real ORDER BY i)::vector AS scale
         FROM (SELECT i, stddev_pop(a[i]) AS sd FROM (SELECT embedding::real[] AS a FROM ac_graph_bench.codes
                                                      WHERE id % 100 = 0) x, generate_series(1, dims) AS i GROUP BY i) d) s;
    EXECUTE format('CREATE INDEX ON ac_graph_bench.reshaped_rows USING hnsw ((v::halfvec(%s)) halfvec_cosine_ops) '
                   'WITH (m = 32, ef_construction = 128)', dims);
    PERFORM set_config('enable_indexscan', 'off', true);
    CREATE TABLE ac_graph_bench.reshaped_truth AS
    SELECT q.query, r.id FROM ac_graph_bench.reshaped_queries q CROSS JOIN LATERAL
        (SELECT id FROM ac_graph_bench.reshaped_rows ORDER BY v <=> q.v LIMIT 10) r;
    PERFORM set_config('enable_indexscan', 'on', true);
    PERFORM set_config('enable_seqscan', 'off', true);
    SELECT round(count(*)::numeric / (SELECT count(*) FROM ac_graph_bench.reshaped_truth), 3) INTO truth_shared_with_model
    FROM ac_graph_bench.reshaped_truth r JOIN diag_truth t ON t.query = r.query AND t.id = r.id;
    power_of_sd := power;
    FOREACH e IN ARRAY ARRAY[100, 200] LOOP
        PERFORM set_config('hnsw.ef_search', e::text, true);
        times := '{}';
        hits := 0;
        FOR probe IN SELECT * FROM ac_graph_bench.reshaped_queries ORDER BY query LOOP
            started := clock_timestamp();
            EXECUTE format('SELECT array_agg(id) FROM (SELECT id FROM ac_graph_bench.reshaped_rows '
                           'ORDER BY v::halfvec(%s) <=> $1::halfvec(%s) LIMIT 10) s', dims, dims) INTO got USING probe.v;
            times := times || extract(epoch FROM clock_timestamp() - started) * 1000;
            hits := hits + (SELECT count(*) FROM ac_graph_bench.reshaped_truth t WHERE t.query = probe.query AND t.id = ANY (got));
        END LOOP;
        ef_search := e;
        recall_at_10 := round(hits::numeric / (SELECT count(*) FROM ac_graph_bench.reshaped_truth), 3);
        SELECT round(percentile_disc(0.5) WITHIN GROUP (ORDER BY x)::numeric, 2),
               round(percentile_disc(0.95) WITHIN GROUP (ORDER BY x)::numeric, 2)
          INTO p50_ms, p95_ms FROM unnest(times) AS x;
        RETURN NEXT;
    END LOOP;
END
$$;

SELECT * FROM ac_graph_bench.reshaped(-0.5, :dims);
SELECT * FROM ac_graph_bench.reshaped(0.5, :dims);
