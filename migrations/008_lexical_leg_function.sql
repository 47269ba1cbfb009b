-- The lexical leg runs inside a SECURITY DEFINER function, so it can use the tsvector GIN index;
-- its term statistics come from one too.
--
-- Under row-level security PostgreSQL evaluates the policy's quals before any of the query's own
-- quals that are not leakproof, and so never makes such a qual an index condition. `@@`
-- (ts_match_vq) is not leakproof: an agent's full-text search filtered every row of its tenant
-- instead of reading the GIN posting lists, a scan that grows with the tenant. Here the statement
-- is fixed code (no caller-supplied functions can run inside it), runs as the owner, and applies
-- the identity filters itself, with the merchant and ACL tokens the server derives for the caller.
--
-- Who gets what:
--   * an agent role (console login, or ragctl's owner after SET ROLE): its own merchant and
--     tokens from app.agent_of_role, whatever the arguments say; another merchant gets nothing;
--   * an agent login naming any role but its own, or an agent role without an agents row: nothing;
--   * a role outside agent_console_agents (only the owner may execute): the arguments as given,
--     as the owner could read every row anyway.

CREATE FUNCTION app.lexical_leg_statement() RETURNS text
LANGUAGE sql IMMUTABLE
RETURN 'SELECT m.* FROM ('
    || '  SELECT c.id, c.source_type, coalesce(c.document_id, c.ticket_id) AS source_id, c.chunk_index, '
    || '  c.heading_path, c.citation, c.chunk_text, c.acl, c.metadata, '
    || '  ts_rank_cd(c.search_tsv, to_tsquery(''english'', $4)) AS score '
    || '  FROM public.chunks c '
    || '  WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.acl && $3 '
    || '  AND c.search_tsv @@ to_tsquery(''english'', $4) '
    || '  LIMIT $5) AS m '
    || 'ORDER BY m.score DESC, m.id '
    || 'LIMIT $6';

-- The caller's ACL tokens as the server sees them; NULL when the caller gets nothing.
CREATE FUNCTION app.leg_tokens(role_name name, merchant text, tokens text[]) RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    who record;
BEGIN
    SELECT a.merchant_id, a.acl_tokens INTO who FROM app.agent_of_role(role_name) a;
    IF FOUND THEN
        RETURN CASE WHEN who.merchant_id = merchant THEN who.acl_tokens END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_auth_members m
               WHERE m.roleid = 'agent_console_agents'::regrole
                 AND m.member IN (session_user::regrole, to_regrole(role_name::text))) THEN
        RETURN NULL;
    END IF;
    RETURN tokens;
END
$$;

CREATE FUNCTION app.lexical_leg_for(role_name name, merchant text, version integer, tokens text[], query text,
                                    match_cap integer, row_limit integer)
RETURNS TABLE (id bigint, source_type text, source_id text, chunk_index integer, heading_path text,
               citation text, chunk_text text, acl text[], metadata jsonb, score real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
BEGIN
    IF allowed IS NULL THEN
        RETURN;
    END IF;
    -- EXECUTE plans with the actual values: the merchant prunes to one partition at plan time.
    RETURN QUERY EXECUTE app.lexical_leg_statement()
        USING merchant, version, allowed, query, match_cap, row_limit;
END
$$;

-- EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of the same statement with the same values, for the
-- developer pane (a plan of the function call alone would show a Function Scan and nothing more).
CREATE FUNCTION app.explain_lexical_leg_for(role_name name, merchant text, version integer, tokens text[],
                                            query text, match_cap integer, row_limit integer)
RETURNS json
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    allowed text[] := app.leg_tokens(role_name, merchant, tokens);
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || app.lexical_leg_statement()
        INTO plan
        USING merchant, version, coalesce(allowed, '{}'::text[]), query, match_cap, row_limit;
    RETURN plan;
END
$$;

-- How common each term is in the merchant's chunks, from ANALYZE's lexeme statistics of its
-- partition (no table read); NULL: rarer than anything tracked. pg_stats hides these from agents
-- (row-level security), but the planner shows the same numbers in any EXPLAIN estimate, so one
-- query here replaces one EXPLAIN per word. Terms are stemmed by the configuration search_tsv uses.
CREATE FUNCTION app.term_frequencies_for(role_name name, merchant text, terms text[])
RETURNS TABLE (term text, frequency real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF app.leg_tokens(role_name, merchant, '{}') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT u.term, (SELECT max(s.freqs[array_position(s.lexemes, l)])
                    FROM unnest(tsvector_to_array(to_tsvector('english', u.term))) AS l)
    FROM unnest(terms) WITH ORDINALITY AS u(term, ord)
    LEFT JOIN (SELECT st.most_common_elems::text::text[] AS lexemes, st.most_common_elem_freqs AS freqs
               FROM pg_stats st
               WHERE st.schemaname = app.chunks_schema() AND st.tablename = app.chunk_partition_name(merchant)
                 AND st.attname = 'search_tsv') AS s ON true
    ORDER BY u.ord;
END
$$;

-- What the Retriever calls: the caller's role goes in from the caller's side.
CREATE FUNCTION app.term_frequencies(merchant text, terms text[])
RETURNS TABLE (term text, frequency real)
LANGUAGE sql STABLE
AS $$ SELECT * FROM app.term_frequencies_for(current_user, merchant, terms) $$;

CREATE FUNCTION app.lexical_leg(merchant text, version integer, tokens text[], query text, match_cap integer,
                                row_limit integer)
RETURNS TABLE (id bigint, source_type text, source_id text, chunk_index integer, heading_path text,
               citation text, chunk_text text, acl text[], metadata jsonb, score real)
LANGUAGE sql STABLE
AS $$ SELECT * FROM app.lexical_leg_for(current_user, merchant, version, tokens, query, match_cap, row_limit) $$;

CREATE FUNCTION app.explain_lexical_leg(merchant text, version integer, tokens text[], query text,
                                        match_cap integer, row_limit integer)
RETURNS json
LANGUAGE sql VOLATILE
AS $$ SELECT app.explain_lexical_leg_for(current_user, merchant, version, tokens, query, match_cap, row_limit) $$;

REVOKE ALL ON FUNCTION app.lexical_leg_statement(), app.leg_tokens(name, text, text[]),
    app.term_frequencies_for(name, text, text[]), app.term_frequencies(text, text[]),
    app.lexical_leg_for(name, text, integer, text[], text, integer, integer),
    app.explain_lexical_leg_for(name, text, integer, text[], text, integer, integer),
    app.lexical_leg(text, integer, text[], text, integer, integer),
    app.explain_lexical_leg(text, integer, text[], text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.lexical_leg_statement(), app.leg_tokens(name, text, text[]),
    app.term_frequencies_for(name, text, text[]), app.term_frequencies(text, text[]),
    app.lexical_leg_for(name, text, integer, text[], text, integer, integer),
    app.explain_lexical_leg_for(name, text, integer, text[], text, integer, integer),
    app.lexical_leg(text, integer, text[], text, integer, integer),
    app.explain_lexical_leg(text, integer, text[], text, integer, integer) TO agent_console_agents;
