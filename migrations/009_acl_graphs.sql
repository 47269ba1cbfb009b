-- ACL-scoped graphs: a partial HNSW index on a merchant's partition per common ACL token
-- (`WHERE acl @> ARRAY[token]`), built on request (`ragctl acl-graphs`). An agent who may read only
-- part of a large tenant searches the graphs of its tokens instead of the tenant's graph with a
-- filter: when the filter correlates with the query (a contractor who reads refund material asking
-- about anything else), a filtered scan of the tenant's graph walks through thousands of other
-- rows and gives up, and the exact fallback reads every authorised vector (see BENCHMARKS.md).

-- Readable prefix, unique suffix (merchant and token both hashed, so two long merchant ids that
-- share the prefix still get different names); fits PostgreSQL's 63-byte identifiers.
CREATE FUNCTION app.acl_graph_name(merchant text, token text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN left(app.chunk_partition_name(merchant), 40) || '_acl_'
       || left(md5(length(merchant)::text || ':' || merchant || token), 16);

-- Owner only. The token goes into the predicate as a literal, as the planner matches a partial
-- index only against a constant in the query.
CREATE FUNCTION app.create_acl_graph(merchant text, token text) RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING hnsw (embedding vector_cosine_ops) '
                   'WITH (m = 16, ef_construction = 64) WHERE acl @> ARRAY[%L]::text[]',
                   app.acl_graph_name(merchant, token), app.chunks_schema(), app.chunk_partition_name(merchant), token);
    RETURN app.acl_graph_name(merchant, token);
END
$$;

-- The caller's tokens that have a graph, when those graphs hold every row of the version the
-- caller may read (no row reachable only through a token without one); otherwise none. Runs as
-- the owner so the acl GIN index answers the coverage check (under row-level security it could
-- not), with the caller's identity applied as in the lexical leg (app.leg_tokens).
CREATE FUNCTION app.acl_graphs_for(role_name name, merchant text, version integer, tokens text[])
RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
    graphs text[];
    rest text[];
    uncovered boolean;
BEGIN
    IF allowed IS NULL THEN
        RETURN '{}';
    END IF;
    SELECT coalesce(array_agg(t), '{}') INTO graphs FROM unnest(allowed) AS t
    WHERE to_regclass(format('%I.%I', app.chunks_schema(), app.acl_graph_name(merchant, t))) IS NOT NULL;
    IF cardinality(graphs) = 0 THEN
        RETURN '{}';
    END IF;
    SELECT coalesce(array_agg(t), '{}') INTO rest FROM unnest(allowed) AS t WHERE NOT t = ANY (graphs);
    IF cardinality(rest) = 0 THEN
        RETURN graphs;
    END IF;
    -- EXECUTE plans with the values: one partition, and the acl GIN index for the rarely used
    -- tokens (a cached generic plan scanned every partition: 0.8 s at 1M chunks).
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM public.chunks c WHERE c.merchant_id = $1 AND c.corpus_version = $2 '
            'AND c.acl && $3 AND NOT c.acl && $4)'
        INTO uncovered USING merchant, version, rest, graphs;
    RETURN CASE WHEN uncovered THEN '{}'::text[] ELSE graphs END;
END
$$;

CREATE FUNCTION app.acl_graphs(merchant text, version integer, tokens text[]) RETURNS text[]
LANGUAGE sql STABLE
AS $$ SELECT app.acl_graphs_for(current_user, merchant, version, tokens) $$;

REVOKE ALL ON FUNCTION app.acl_graph_name(text, text), app.create_acl_graph(text, text),
    app.acl_graphs_for(name, text, integer, text[]), app.acl_graphs(text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.acl_graph_name(text, text), app.acl_graphs_for(name, text, integer, text[]),
    app.acl_graphs(text, integer, text[]) TO agent_console_agents;
