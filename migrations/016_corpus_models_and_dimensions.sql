-- Trained embedding models, and vectors of any dimension (issue 13).
--
-- 1. embedding_models holds the corpus-trained models (core/ingest/corpus_model.h): the model a
--    corpus version was embedded with is found by its checksum, recorded on the version and its
--    chunks as embedding_version, so a query is always embedded with the same model. The database
--    checks the checksum itself. Agents read their merchant's models (they embed their own
--    queries) but not the vocabulary, the words the model was trained on, which may come from
--    material they are not allowed to read.
-- 2. chunks.embedding loses its fixed 1536 dimensions: each chunk's vector has embedding_dims
--    dimensions (checked), and each graph indexes one dimension, `embedding::halfvec(N)` partial
--    on `embedding_dims = N`, so a merchant can move from a 1536-dimensional model to a 384-dimensional
--    one while the old version serves. Graphs are per partition and per dimension and are no longer
--    attached to a parent index (one parent definition cannot cover several dimensions); whether
--    graphs are kept up at all is a flag in app.chunk_graph_state. The 1536-dimensional graphs keep
--    their names; this migration rebuilds them (the definition gains the predicate).

CREATE TABLE embedding_models (
    merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    checksum         text NOT NULL CHECK (checksum = encode(sha256(model), 'hex')),
    model_name       text NOT NULL,
    dims             integer NOT NULL CHECK (dims > 0),
    vocabulary_size  integer NOT NULL CHECK (vocabulary_size >= 0),
    training_texts   bigint NOT NULL CHECK (training_texts >= 0),
    training_seconds double precision NOT NULL CHECK (training_seconds >= 0),
    model            bytea NOT NULL,
    vocabulary       bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, checksum)
);
ALTER TABLE embedding_models ENABLE ROW LEVEL SECURITY;
ALTER TABLE embedding_models FORCE ROW LEVEL SECURITY;
CREATE POLICY embedding_models_owner ON embedding_models TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY embedding_models_agent ON embedding_models FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));
REVOKE ALL ON embedding_models FROM PUBLIC;
GRANT SELECT (merchant_id, checksum, model_name, dims, vocabulary_size, training_texts, training_seconds, model,
              created_at) ON embedding_models TO agent_console_agents;

-- Vectors of any dimension, each matching its row's embedding_dims. Dropping the type modifier
-- rewrites nothing, but every index on the column is rebuilt: the graphs go first and come back
-- below.
CREATE TABLE app.chunk_graph_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    enabled   boolean NOT NULL
);
INSERT INTO app.chunk_graph_state (enabled)
SELECT to_regclass(format('%I.chunks_embedding_hnsw', app.chunks_schema())) IS NOT NULL;

CREATE TEMP TABLE acl_graphs_before ON COMMIT DROP AS
SELECT m.id AS merchant, t.token
FROM merchants m
CROSS JOIN LATERAL (SELECT DISTINCT unnest(c.acl) AS token FROM chunks c WHERE c.merchant_id = m.id) AS t
WHERE to_regclass(format('%I.%I', app.chunks_schema(), app.acl_graph_name(m.id, t.token))) IS NOT NULL;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT merchant, token FROM acl_graphs_before LOOP
        EXECUTE format('DROP INDEX %I.%I', app.chunks_schema(), app.acl_graph_name(r.merchant, r.token));
    END LOOP;
END
$$;
SELECT app.drop_chunk_graphs();

ALTER TABLE chunks ALTER COLUMN embedding TYPE vector;
ALTER TABLE chunks ADD CONSTRAINT chunks_embedding_dims_check CHECK (vector_dims(embedding) = embedding_dims);
ALTER TABLE corpus_versions ADD CONSTRAINT corpus_versions_dims_check CHECK (embedding_dims > 0);

DROP FUNCTION app.chunk_graph_definition();

-- The one definition of a graph of N-dimensional vectors; ACL graphs add their token to it.
CREATE FUNCTION app.chunk_graph_definition(dims integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN format('USING hnsw ((embedding::halfvec(%s)) halfvec_cosine_ops) WITH (m = 32, ef_construction = 128) '
              'WHERE embedding_dims = %s', dims, dims);

-- 1536 dimensions keep the names of migration 010 (and plans keep reading the same).
CREATE FUNCTION app.chunk_graph_name(merchant text, dims integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN CASE WHEN dims = 1536 THEN app.chunk_graph_name(merchant)
            ELSE left(app.chunk_graph_name(merchant), 50) || '_d' || dims END;

CREATE FUNCTION app.acl_graph_name(merchant text, token text, dims integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN CASE WHEN dims = 1536 THEN app.acl_graph_name(merchant, token)
            ELSE app.acl_graph_name(merchant, token) || '_d' || dims END;

-- The dimensions a merchant's corpus versions use, live or being built.
CREATE FUNCTION app.merchant_dims(merchant text) RETURNS SETOF integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT DISTINCT v.embedding_dims FROM public.corpus_versions v WHERE v.merchant_id = merchant ORDER BY 1 $$;

DROP FUNCTION app.create_chunk_graph(text);
CREATE FUNCTION app.create_chunk_graph(merchant text, dims integer) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF NOT (SELECT enabled FROM app.chunk_graph_state)
       OR to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ', app.chunk_graph_name(merchant, dims),
                   app.chunks_schema(), app.chunk_partition_name(merchant))
            || app.chunk_graph_definition(dims);
END
$$;

CREATE OR REPLACE FUNCTION app.drop_chunk_graphs() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    merchant text;
    dims integer;
BEGIN
    UPDATE app.chunk_graph_state SET enabled = false;
    EXECUTE format('DROP INDEX IF EXISTS %I.chunks_embedding_hnsw', app.chunks_schema());
    FOR merchant, dims IN SELECT DISTINCT v.merchant_id, v.embedding_dims FROM corpus_versions v LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I.%I', app.chunks_schema(), app.chunk_graph_name(merchant, dims));
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION app.create_chunk_graphs() RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    merchant text;
    dims integer;
BEGIN
    UPDATE app.chunk_graph_state SET enabled = true;
    FOR merchant, dims IN SELECT DISTINCT v.merchant_id, v.embedding_dims FROM corpus_versions v ORDER BY 1, 2 LOOP
        PERFORM app.create_chunk_graph(merchant, dims);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION app.ensure_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    dims integer;
BEGIN
    IF to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.chunks INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)',
                       app.chunks_schema(), app.chunk_partition_name(merchant), app.chunks_schema());
        FOR dims IN SELECT app.merchant_dims(merchant) LOOP
            PERFORM app.create_chunk_graph(merchant, dims);
        END LOOP;
        EXECUTE format('ALTER TABLE %I.chunks ATTACH PARTITION %I.%I FOR VALUES IN (%L)',
                       app.chunks_schema(), app.chunks_schema(), app.chunk_partition_name(merchant), merchant);
    END IF;
END
$$;

-- A new corpus version of a new dimension gets its graph before its first chunk arrives.
CREATE FUNCTION app.corpus_version_graph() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM app.create_chunk_graph(NEW.merchant_id, NEW.embedding_dims);
    RETURN NULL;
END
$$;
CREATE TRIGGER corpus_versions_graph AFTER INSERT ON corpus_versions
    FOR EACH ROW EXECUTE FUNCTION app.corpus_version_graph();

-- ACL graphs of the merchant's live dimensions (a version being built to other dimensions gets
-- its own when ragctl acl-graphs runs after the switch).
DROP FUNCTION app.create_acl_graph(text, text);
CREATE FUNCTION app.create_acl_graph(merchant text, token text, dims integer) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I ', app.acl_graph_name(merchant, token, dims),
                   app.chunks_schema(), app.chunk_partition_name(merchant))
            || app.chunk_graph_definition(dims) || format(' AND acl @> ARRAY[%L]::text[]', token);
    RETURN app.acl_graph_name(merchant, token, dims);
END
$$;

-- A re-embed to other dimensions: the ACL graphs the merchant had for the old ones are built for
-- the new ones before the switch (owner only)...
CREATE FUNCTION app.carry_acl_graphs(merchant text, from_dims integer, to_dims integer) RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    tokens text[];
    token text;
BEGIN
    IF from_dims = to_dims THEN
        RETURN 0;
    END IF;
    -- Listed first: an index cannot be built on a table this session is still reading.
    SELECT coalesce(array_agg(DISTINCT t), '{}') INTO tokens FROM chunks c CROSS JOIN LATERAL unnest(c.acl) AS t
    WHERE c.merchant_id = merchant
      AND to_regclass(format('%I.%I', app.chunks_schema(), app.acl_graph_name(merchant, t, from_dims))) IS NOT NULL;
    FOREACH token IN ARRAY tokens LOOP
        PERFORM app.create_acl_graph(merchant, token, to_dims);
    END LOOP;
    RETURN cardinality(tokens);
END
$$;

-- ...and after it, the graphs of dimensions no version of the merchant uses any more are dropped.
CREATE FUNCTION app.drop_unused_graphs(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    unused text[];
    graph text;
BEGIN
    SELECT coalesce(array_agg(ix.relname::text), '{}') INTO unused FROM pg_index i
             JOIN pg_class ix ON ix.oid = i.indexrelid
             JOIN pg_am a ON a.oid = ix.relam
             WHERE i.indrelid = to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant)))
               AND a.amname = 'hnsw'
               AND NOT EXISTS (SELECT 1 FROM app.merchant_dims(merchant) AS d(dims)
                               WHERE pg_get_expr(i.indpred, i.indrelid) LIKE format('%%embedding_dims = %s)%%', d.dims));
    FOREACH graph IN ARRAY unused LOOP
        EXECUTE format('DROP INDEX %I.%I', app.chunks_schema(), graph);
    END LOOP;
END
$$;

-- As in migration 009, for the graphs of the version's dimensions.
CREATE OR REPLACE FUNCTION app.acl_graphs_for(role_name name, merchant text, version integer, tokens text[])
RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
    dims integer;
    graphs text[];
    rest text[];
    uncovered boolean;
BEGIN
    SELECT v.embedding_dims INTO dims FROM public.corpus_versions v WHERE v.merchant_id = merchant AND v.version = acl_graphs_for.version;
    IF allowed IS NULL OR dims IS NULL THEN
        RETURN '{}';
    END IF;
    SELECT coalesce(pg_catalog.array_agg(t), '{}') INTO graphs FROM pg_catalog.unnest(allowed) AS t
    WHERE pg_catalog.to_regclass(pg_catalog.format('%I.%I', app.chunks_schema(), app.acl_graph_name(merchant, t, dims))) IS NOT NULL;
    IF pg_catalog.cardinality(graphs) = 0 THEN
        RETURN '{}';
    END IF;
    SELECT coalesce(pg_catalog.array_agg(t), '{}') INTO rest FROM pg_catalog.unnest(allowed) AS t WHERE NOT t = ANY (graphs);
    IF pg_catalog.cardinality(rest) = 0 THEN
        RETURN graphs;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM public.chunks c WHERE c.merchant_id = $1 AND c.corpus_version = $2 '
            'AND c.acl && $3 AND NOT c.acl && $4)'
        INTO uncovered USING merchant, version, rest, graphs;
    RETURN CASE WHEN uncovered THEN '{}'::text[] ELSE graphs END;
END
$$;

GRANT SELECT ON public.corpus_versions TO agent_console_definer;
CREATE POLICY corpus_versions_definer ON public.corpus_versions FOR SELECT TO agent_console_definer USING (true);

REVOKE ALL ON FUNCTION app.chunk_graph_definition(integer), app.merchant_dims(text), app.create_chunk_graph(text, integer), app.corpus_version_graph(),
    app.create_acl_graph(text, text, integer), app.carry_acl_graphs(text, integer, integer),
    app.drop_unused_graphs(text) FROM PUBLIC;
REVOKE ALL ON app.chunk_graph_state FROM PUBLIC;
REVOKE ALL ON FUNCTION app.acl_graph_name(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.acl_graph_name(text, text, integer) TO agent_console_agents, agent_console_definer;
-- Names only: the developer pane shows which graph a plan should use.
GRANT EXECUTE ON FUNCTION app.chunk_graph_name(text), app.chunk_graph_name(text, integer) TO agent_console_agents;

-- The graphs back, then the ACL graphs that existed.
DO $$
DECLARE
    r record;
BEGIN
    IF (SELECT enabled FROM app.chunk_graph_state) THEN
        PERFORM app.create_chunk_graphs();
    END IF;
    FOR r IN SELECT b.merchant, b.token, d.dims FROM acl_graphs_before b
             CROSS JOIN LATERAL app.merchant_dims(b.merchant) AS d(dims) LOOP
        PERFORM app.create_acl_graph(r.merchant, r.token, r.dims);
    END LOOP;
END
$$;
