-- Side-by-side: exact filtered vector scan over TOASTed vs inline 1536-dim vectors (a storage
-- experiment, rejected after the 100k benchmark: see "Tried and rejected" in BENCHMARKS.md).
-- Run against any database with pgvector, e.g. after `ragctl cluster start --data-dir /tmp/bench`:
--   psql "host=/tmp/bench/run dbname=agent_console user=agent_console" -f bench/inline_vectors.sql
-- Compare the two "Execution Time" lines of each pair (and the shared-buffer counts); repeat the
-- pairs to see past cache warm-up. Drops its tables at the end.
DROP TABLE IF EXISTS bench_vectors_toast, bench_vectors_inline;
CREATE TABLE bench_vectors_toast (id int, merchant text, body text, embedding vector(1536));
CREATE TABLE bench_vectors_inline (LIKE bench_vectors_toast) WITH (toast_tuple_target = 8160);
ALTER TABLE bench_vectors_inline ALTER COLUMN embedding SET STORAGE MAIN;
INSERT INTO bench_vectors_toast
SELECT i, 'm' || (i % 5), repeat('word ', 200),
       (SELECT array_agg(random()::real) FROM generate_series(1, 1536) WHERE i > 0)::vector
FROM generate_series(1, 20000) i;
INSERT INTO bench_vectors_inline SELECT * FROM bench_vectors_toast;
CREATE INDEX ON bench_vectors_toast (merchant);
CREATE INDEX ON bench_vectors_inline (merchant);
VACUUM ANALYZE bench_vectors_toast;
VACUUM ANALYZE bench_vectors_inline;
SELECT embedding AS q FROM bench_vectors_toast WHERE id = 7 \gset
\echo toast / inline, three rounds
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_toast WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_inline WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_toast WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_inline WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_toast WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT id FROM bench_vectors_inline WHERE merchant = 'm1' ORDER BY embedding <=> :'q' LIMIT 10;
DROP TABLE bench_vectors_toast, bench_vectors_inline;
