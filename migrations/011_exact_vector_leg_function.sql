-- The exact vector path in a SECURITY DEFINER function, as the lexical leg is (migration 008).
-- Under row-level security PostgreSQL evaluates the policy before any qual that is not leakproof,
-- and `acl && tokens` is not, so an agent's exact scan could not use the acl GIN index: it read
-- every row of the merchant's partition to rank the few it may see (a contractor who reads 1,300
-- of a tenant's 10,500 chunks paid for all 10,500 vectors). Inside the function the same filter
-- is an index condition when it is selective. Identity as in the lexical leg: the caller's tokens
-- as the server derives them (app.leg_tokens); another merchant, or an agent role without a row,
-- gets nothing.

CREATE FUNCTION app.exact_vector_leg_statement() RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'SELECT c.id, c.source_type, coalesce(c.document_id, c.ticket_id) AS source_id, c.chunk_index, '
    || 'c.heading_path, c.citation, c.chunk_text, c.acl, c.metadata, '
    || '(c.embedding <=> $4) AS distance '
    || 'FROM public.chunks c '
    || 'WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.acl && $3 '
    || 'ORDER BY c.embedding <=> $4 '
    || 'LIMIT $5';

CREATE FUNCTION app.exact_vector_leg_for(role_name name, merchant text, version integer, tokens text[],
                                         query vector, row_limit integer)
RETURNS TABLE (id bigint, source_type text, source_id text, chunk_index integer, heading_path text,
               citation text, chunk_text text, acl text[], metadata jsonb, distance double precision)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
BEGIN
    IF allowed IS NULL THEN
        RETURN;
    END IF;
    -- EXECUTE plans with the actual values: one partition, and the acl index when it pays off.
    RETURN QUERY EXECUTE app.exact_vector_leg_statement() USING merchant, version, allowed, query, row_limit;
END
$$;

CREATE FUNCTION app.explain_exact_vector_leg_for(role_name name, merchant text, version integer, tokens text[],
                                                 query vector, row_limit integer)
RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || app.exact_vector_leg_statement()
        INTO plan
        USING merchant, version, coalesce(allowed, '{}'::text[]), query, row_limit;
    RETURN plan;
END
$$;

CREATE FUNCTION app.exact_vector_leg(merchant text, version integer, tokens text[], query vector, row_limit integer)
RETURNS TABLE (id bigint, source_type text, source_id text, chunk_index integer, heading_path text,
               citation text, chunk_text text, acl text[], metadata jsonb, distance double precision)
LANGUAGE sql STABLE
AS $$ SELECT * FROM app.exact_vector_leg_for(current_user, merchant, version, tokens, query, row_limit) $$;

CREATE FUNCTION app.explain_exact_vector_leg(merchant text, version integer, tokens text[], query vector,
                                             row_limit integer)
RETURNS json
LANGUAGE sql VOLATILE
AS $$ SELECT app.explain_exact_vector_leg_for(current_user, merchant, version, tokens, query, row_limit) $$;

REVOKE ALL ON FUNCTION app.exact_vector_leg_statement(),
    app.exact_vector_leg_for(name, text, integer, text[], vector, integer),
    app.explain_exact_vector_leg_for(name, text, integer, text[], vector, integer),
    app.exact_vector_leg(text, integer, text[], vector, integer),
    app.explain_exact_vector_leg(text, integer, text[], vector, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.exact_vector_leg_statement(),
    app.exact_vector_leg_for(name, text, integer, text[], vector, integer),
    app.explain_exact_vector_leg_for(name, text, integer, text[], vector, integer),
    app.exact_vector_leg(text, integer, text[], vector, integer),
    app.explain_exact_vector_leg(text, integer, text[], vector, integer) TO agent_console_agents;
