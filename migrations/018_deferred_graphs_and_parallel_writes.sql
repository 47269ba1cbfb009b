-- Large loads build a merchant's graphs once, after the load, instead of inserting every chunk
-- into them (issue 17). Inserting one vector into an HNSW graph costs a search of the graph; a
-- build from scratch runs with parallel workers and its graph in maintenance_work_mem: 10,000
-- 384-dimensional vectors took about 25 s inserted one by one and 3.8 s built.
--
-- A deferral is durable: app.defer_graphs records each graph's definition and drops the graph in
-- one transaction, and while the merchant's deferral row exists a new corpus version gets no graph
-- (app.create_chunk_graph). app.restore_graphs builds every recorded graph and the graphs of the
-- merchant's dimensions, then ends the deferral, in one transaction. A load killed in between leaves
-- the deferral in place; the next load or re-embed of the merchant restores the graphs first, and
-- `ragctl health` reports it. Meanwhile searches are exact scans of the partition: right, slower.
-- A large load ends with ANALYZE of the partition (app.analyze_chunk_partition), and the BM25
-- statistics trigger serialises its own updates per merchant, so batch writes can run side by side
-- (end of file).

CREATE TABLE graph_deferrals (
    merchant_id text PRIMARY KEY REFERENCES merchants (id) ON DELETE CASCADE,
    deferred_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deferred_graphs (
    merchant_id text NOT NULL REFERENCES graph_deferrals (merchant_id) ON DELETE CASCADE,
    graph       text NOT NULL,
    definition  text NOT NULL,  -- pg_get_indexdef of the dropped graph
    PRIMARY KEY (merchant_id, graph)
);

ALTER TABLE graph_deferrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE graph_deferrals FORCE ROW LEVEL SECURITY;
CREATE POLICY graph_deferrals_owner ON graph_deferrals TO CURRENT_USER USING (true) WITH CHECK (true);
ALTER TABLE deferred_graphs ENABLE ROW LEVEL SECURITY;
ALTER TABLE deferred_graphs FORCE ROW LEVEL SECURITY;
CREATE POLICY deferred_graphs_owner ON deferred_graphs TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON graph_deferrals, deferred_graphs FROM PUBLIC;

-- The HNSW graphs on the merchant's partition, valid or not.
CREATE FUNCTION app.partition_graphs(merchant text) RETURNS TABLE (graph text, definition text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT ix.relname::text, pg_catalog.pg_get_indexdef(ix.oid)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ix ON ix.oid = i.indexrelid
    JOIN pg_catalog.pg_am a ON a.oid = ix.relam
    WHERE i.indrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant)))
      AND a.amname = 'hnsw'
    ORDER BY 1
$$;

-- Records and drops the merchant's graphs; returns how many were dropped. A second call while
-- deferred drops what was built since (nothing, normally) and keeps the first definitions.
CREATE FUNCTION app.defer_graphs(merchant text) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    g record;
    dropped integer := 0;
BEGIN
    INSERT INTO public.graph_deferrals (merchant_id) VALUES (merchant) ON CONFLICT DO NOTHING;
    FOR g IN SELECT * FROM app.partition_graphs(merchant) LOOP
        INSERT INTO public.deferred_graphs (merchant_id, graph, definition) VALUES (merchant, g.graph, g.definition)
        ON CONFLICT DO NOTHING;
        EXECUTE pg_catalog.format('DROP INDEX %I.%I', app.chunks_schema(), g.graph);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

CREATE FUNCTION app.graphs_deferred(merchant text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM public.graph_deferrals d WHERE d.merchant_id = merchant) $$;

-- Builds the recorded graphs and those of the merchant's dimensions, ends the deferral; returns
-- how many graphs were built. At least 1 GB of maintenance_work_mem for this transaction, so a
-- graph of a few hundred thousand vectors is built in memory.
CREATE FUNCTION app.restore_graphs(merchant text) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    g record;
    dims integer;
    before integer := (SELECT count(*) FROM app.partition_graphs(merchant));
BEGIN
    IF NOT app.graphs_deferred(merchant) THEN
        RETURN 0;
    END IF;
    IF pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < pg_catalog.pg_size_bytes('1GB') THEN
        PERFORM pg_catalog.set_config('maintenance_work_mem', '1GB', true);
    END IF;
    FOR g IN SELECT d.definition FROM public.deferred_graphs d WHERE d.merchant_id = merchant ORDER BY d.graph LOOP
        EXECUTE pg_catalog.regexp_replace(g.definition, '^CREATE INDEX ', 'CREATE INDEX IF NOT EXISTS ');
    END LOOP;
    DELETE FROM public.graph_deferrals d WHERE d.merchant_id = merchant;
    FOR dims IN SELECT app.merchant_dims(merchant) LOOP
        PERFORM app.create_chunk_graph(merchant, dims);
    END LOOP;
    RETURN (SELECT count(*) FROM app.partition_graphs(merchant)) - before;
END
$$;

-- As in migration 016, but not for a merchant whose graphs are deferred.
CREATE OR REPLACE FUNCTION app.create_chunk_graph(merchant text, dims integer) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT (SELECT enabled FROM app.chunk_graph_state)
       OR app.graphs_deferred(merchant)
       OR to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ', app.chunk_graph_name(merchant, dims),
                   app.chunks_schema(), app.chunk_partition_name(merchant))
            || app.chunk_graph_definition(dims);
END
$$;

-- Fresh statistics for the merchant's partition after a large load: without them the planner takes
-- the partition for as small as it was, and the next load's reuse lookups scan it once per row.
CREATE FUNCTION app.analyze_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NOT NULL THEN
        EXECUTE pg_catalog.format('ANALYZE %I.%I', app.chunks_schema(), app.chunk_partition_name(merchant));
    END IF;
END
$$;

-- Batch writes of one merchant now run side by side (they share the corpus lock; the bulk loader
-- writes on two connections). Their statistics updates (migration 013's triggers) touch the same
-- lexeme rows in an order of the planner's choosing, so two of them could deadlock. A trigger that
-- fires first (triggers of one event fire in name order: "lock" < "statistics") takes a
-- per-merchant lock, held to commit. The statement's own work (to_tsvector, heap, indexes) is done
-- before AFTER triggers fire, so that still overlaps; one merchant's statistics are written one
-- transaction at a time.
CREATE FUNCTION app.lock_lexical_statistics() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    EXECUTE 'SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(''ac.lexical-statistics:'' || m, 0)) '
         || 'FROM (SELECT DISTINCT merchant_id AS m FROM '
         || CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
                       ELSE '(SELECT merchant_id FROM new_rows UNION ALL SELECT merchant_id FROM old_rows) AS r' END
         || ' ORDER BY 1) AS x';
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_lexical_lock_insert AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.lock_lexical_statistics();
CREATE TRIGGER chunks_lexical_lock_update AFTER UPDATE ON chunks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.lock_lexical_statistics();
CREATE TRIGGER chunks_lexical_lock_delete AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.lock_lexical_statistics();

REVOKE ALL ON FUNCTION app.partition_graphs(text), app.defer_graphs(text), app.graphs_deferred(text),
    app.restore_graphs(text), app.analyze_chunk_partition(text), app.lock_lexical_statistics() FROM PUBLIC;
