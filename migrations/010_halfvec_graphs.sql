-- The HNSW graphs index a half-precision copy of each embedding (`embedding::halfvec(1536)`): 3 KB
-- per element instead of 6 KB. At 1M chunks the tenants' graphs take half the memory, so graphs,
-- heap and TOAST fit in memory together on a 24 GB machine, where before a query's first execution
-- waited for the disk. The column keeps full precision: a query walks the graph by the
-- half-precision distance, then ranks and reports the full one (core/retrieval/query_sql.h).
--
-- The graphs are denser (m = 32, ef_construction = 128; were 16 and 64): in a 300,000-chunk tenant
-- recall@10 at ef_search 400 went from 0.87 to 0.95, and ef_search 100 now finds more (0.91) than
-- 400 did, in half the time; the build takes about twice as long (BENCHMARKS.md).
--
-- Each partition's graph gets a name of its own choosing (`<partition>_embedding_idx`, as before:
-- an index on an expression would otherwise be called `..._expr_idx` in every plan). This migration
-- rebuilds every graph, so on a large corpus it takes as long as an index build.

-- The one definition of a graph; ACL graphs (migration 009) add their predicate to it.
CREATE FUNCTION app.chunk_graph_definition() RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'USING hnsw ((embedding::halfvec(1536)) halfvec_cosine_ops) WITH (m = 32, ef_construction = 128)';

CREATE FUNCTION app.chunk_graph_name(merchant text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN CASE WHEN length(app.chunk_partition_name(merchant)) <= 49 THEN app.chunk_partition_name(merchant) || '_embedding_idx'
            ELSE left(app.chunk_partition_name(merchant), 32) || '_' || left(md5(merchant), 16) || '_emb' END;

-- The merchant's graph, unless the graphs are switched off for a bulk load (no parent index). A
-- partition that is already attached gets its graph attached to the parent index; a new one has it
-- adopted when it is attached.
CREATE FUNCTION app.create_chunk_graph(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    schema text := app.chunks_schema();
    parent regclass := to_regclass(format('%I.chunks_embedding_hnsw', app.chunks_schema()));
    graph text := app.chunk_graph_name(merchant);
BEGIN
    IF parent IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ', graph, schema, app.chunk_partition_name(merchant))
            || app.chunk_graph_definition();
    IF EXISTS (SELECT 1 FROM pg_inherits
               WHERE inhrelid = format('%I.%I', schema, app.chunk_partition_name(merchant))::regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_inherits
                       WHERE inhrelid = format('%I.%I', schema, graph)::regclass AND inhparent = parent) THEN
        EXECUTE format('ALTER INDEX %s ATTACH PARTITION %I.%I', parent, schema, graph);
    END IF;
END
$$;

-- Owner only: switch every graph off (before a bulk load) and back on (after it, one build per
-- partition).
CREATE FUNCTION app.drop_chunk_graphs() RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('DROP INDEX IF EXISTS %I.chunks_embedding_hnsw', app.chunks_schema());
END
$$;

CREATE FUNCTION app.create_chunk_graphs() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    merchant text;
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS chunks_embedding_hnsw ON ONLY %I.chunks ', app.chunks_schema())
            || app.chunk_graph_definition();
    FOR merchant IN SELECT id FROM merchants
                    WHERE to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(id))) IS NOT NULL
                    ORDER BY id LOOP
        PERFORM app.create_chunk_graph(merchant);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION app.ensure_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.chunks INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)',
                       app.chunks_schema(), app.chunk_partition_name(merchant), app.chunks_schema());
        PERFORM app.create_chunk_graph(merchant);
        EXECUTE format('ALTER TABLE %I.chunks ATTACH PARTITION %I.%I FOR VALUES IN (%L)',
                       app.chunks_schema(), app.chunks_schema(), app.chunk_partition_name(merchant), merchant);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION app.create_acl_graph(merchant text, token text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ', app.acl_graph_name(merchant, token),
                   app.chunks_schema(), app.chunk_partition_name(merchant))
            || app.chunk_graph_definition() || format(' WHERE acl @> ARRAY[%L]::text[]', token);
    RETURN app.acl_graph_name(merchant, token);
END
$$;

REVOKE ALL ON FUNCTION app.chunk_graph_definition(), app.chunk_graph_name(text), app.create_chunk_graph(text),
    app.drop_chunk_graphs(), app.create_chunk_graphs() FROM PUBLIC;

-- Rebuild: the tenants' graphs, then the ACL graphs that existed (found by their names; listed
-- first, as an index cannot be built on a table this session is still reading).
DO $$
DECLARE
    merchants_ text[];
    tokens text[];
BEGIN
    PERFORM app.drop_chunk_graphs();
    PERFORM app.create_chunk_graphs();
    SELECT coalesce(array_agg(m.id), '{}'), coalesce(array_agg(t.token), '{}') INTO merchants_, tokens
    FROM merchants m
    CROSS JOIN LATERAL (SELECT DISTINCT unnest(c.acl) AS token FROM chunks c WHERE c.merchant_id = m.id) t
    WHERE to_regclass(format('%I.%I', app.chunks_schema(), app.acl_graph_name(m.id, t.token))) IS NOT NULL;
    FOR i IN 1 .. cardinality(merchants_) LOOP
        EXECUTE format('DROP INDEX %I.%I', app.chunks_schema(), app.acl_graph_name(merchants_[i], tokens[i]));
        PERFORM app.create_acl_graph(merchants_[i], tokens[i]);
    END LOOP;
END
$$;
