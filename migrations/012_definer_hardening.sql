-- SECURITY DEFINER functions that an agent cannot subvert (issue 19).
--
-- PostgreSQL searches the session's temporary schema first for relations, types and text search
-- objects unless `pg_temp` is named in search_path, and agents could create temporary objects: a
-- temp view called pg_auth_members, pg_roles or pg_class shadowed the catalog inside the definer
-- functions (which ran as a superuser), so an agent read every tenant, forged audit rows and, by a
-- view calling a pg_temp function, ran code as the superuser.
--
-- Three layers, each enough on its own for the attacks seen:
--   1. every SECURITY DEFINER function in app pins search_path = pg_catalog, public, pg_temp
--      (pg_temp last) and the ones that named catalogs or tables bare are redefined qualified;
--   2. TEMPORARY on the database is revoked from PUBLIC (the migrating role keeps it: the bulk
--      loader stages rows in temp tables), so an agent cannot create a temporary object at all;
--   3. the definer functions belong to agent_console_definer, a NOLOGIN role that is not a
--      superuser and holds only what they read and write (SELECT on agents and chunks, INSERT on
--      retrieval_audit, its own row-level policies), instead of the schema owner.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'agent_console_definer') THEN
        BEGIN
            CREATE ROLE agent_console_definer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'cannot create the role agent_console_definer: the migrating role % lacks CREATEROLE', current_user
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'As a superuser run: CREATE ROLE agent_console_definer NOLOGIN; then run the migration again.';
        END;
    END IF;
    -- Changing a function's owner needs membership in the new owner.
    IF NOT pg_catalog.pg_has_role(current_user, 'agent_console_definer', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT agent_console_definer TO %I', current_user);
    END IF;
    BEGIN
        EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
        EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO %I', pg_catalog.current_database(), current_user);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'TEMPORARY on database % is still granted to PUBLIC: only its owner can revoke it',
            pg_catalog.current_database();
    END;
END
$$;

-- What the definer functions read and write, and nothing else.
GRANT USAGE ON SCHEMA app, public TO agent_console_definer;
GRANT SELECT ON public.agents, public.chunks TO agent_console_definer;
GRANT INSERT, SELECT (id) ON public.retrieval_audit TO agent_console_definer;  -- INSERT ... RETURNING id
CREATE POLICY agents_definer ON public.agents FOR SELECT TO agent_console_definer USING (true);
CREATE POLICY chunks_definer ON public.chunks FOR SELECT TO agent_console_definer USING (true);
CREATE POLICY retrieval_audit_definer_insert ON public.retrieval_audit FOR INSERT TO agent_console_definer WITH CHECK (true);
CREATE POLICY retrieval_audit_definer_returning ON public.retrieval_audit FOR SELECT TO agent_console_definer USING (true);

-- Helpers the definer functions call, qualified and pinned as well.
CREATE OR REPLACE FUNCTION app.chunks_schema() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT c.relnamespace::pg_catalog.regnamespace::text FROM pg_catalog.pg_class c
      WHERE c.oid = 'public.chunks'::pg_catalog.regclass $$;

GRANT EXECUTE ON FUNCTION app.chunks_schema(), app.chunk_partition_name(text), app.acl_graph_name(text, text),
    app.lexical_leg_statement(), app.exact_vector_leg_statement() TO agent_console_definer;

-- The functions that named a catalog or table bare, qualified. The audit function's identity
-- check becomes app.audited_identity(), for every audit table to share.
CREATE OR REPLACE FUNCTION app.leg_tokens(role_name name, merchant text, tokens text[]) RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    who record;
BEGIN
    SELECT a.merchant_id, a.acl_tokens INTO who FROM app.agent_of_role(role_name) a;
    IF FOUND THEN
        RETURN CASE WHEN who.merchant_id = merchant THEN who.acl_tokens END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
               WHERE m.roleid = 'agent_console_agents'::pg_catalog.regrole
                 AND m.member IN (session_user::pg_catalog.regrole, pg_catalog.to_regrole(role_name::text))) THEN
        RETURN NULL;
    END IF;
    RETURN tokens;
END
$$;

-- Who an audit row is about. An agent role records for itself (a claim that differs is refused);
-- the schema owner records on behalf of the agent and merchant it names.
CREATE FUNCTION app.audited_identity(role_name name, claimed_agent text, claimed_merchant text,
                                     OUT agent_id text, OUT merchant_id text, OUT on_behalf boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    on_behalf := false;
    IF role_name IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = role_name
                                        AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'not allowed to record as %', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT a.agent_id, a.merchant_id INTO agent_id, merchant_id FROM app.agent_of_role(role_name) a;
    IF FOUND THEN
        IF coalesce(claimed_agent, agent_id) <> agent_id OR coalesce(claimed_merchant, merchant_id) <> merchant_id THEN
            RAISE EXCEPTION 'role % is agent % of merchant %, not what the client claimed', role_name, agent_id, merchant_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN;
    END IF;
    IF NOT pg_catalog.pg_has_role(role_name, (SELECT c.relowner FROM pg_catalog.pg_class c
                                              WHERE c.oid = 'public.retrieval_audit'::pg_catalog.regclass), 'USAGE') THEN
        RAISE EXCEPTION 'role % is not an agent', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF claimed_agent IS NULL OR claimed_merchant IS NULL THEN
        RAISE EXCEPTION 'recording on behalf of an agent needs its id and merchant' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    agent_id := claimed_agent;
    merchant_id := claimed_merchant;
    on_behalf := true;
END
$$;

CREATE OR REPLACE FUNCTION app.record_retrieval_for(role_name name, claimed_agent text, claimed_merchant text,
                                                    query_sha256 text, query_chars integer, mode text, k integer,
                                                    chunk_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    who record;
    new_id bigint;
BEGIN
    who := app.audited_identity(role_name, claimed_agent, claimed_merchant);  -- (no SQL text in its errors' context)
    INSERT INTO public.retrieval_audit (db_role, session_role, agent_id, merchant_id, query_sha256,
                                        query_chars, mode, k, chunk_ids, on_behalf)
    VALUES (role_name, session_user, who.agent_id, who.merchant_id, query_sha256, query_chars, mode, k,
            coalesce(chunk_ids, '{}'), who.on_behalf)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;


-- The term statistics of the ts_rank_cd leg read pg_stats, which shows a partition's statistics
-- only to a role that may read the partition itself: as agent_console_definer it would need a
-- grant on every partition. Nothing calls it any more (the BM25 leg of migration 013 has its own
-- statistics), so it goes.
DROP FUNCTION app.term_frequencies(text, text[]);
DROP FUNCTION app.term_frequencies_for(name, text, text[]);

REVOKE ALL ON FUNCTION app.audited_identity(name, text, text) FROM PUBLIC;

-- Every definer function: pinned search_path, owned by agent_console_definer.
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'app'::pg_catalog.regnamespace AND p.prosecdef LOOP
        EXECUTE pg_catalog.format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', fn);
        EXECUTE pg_catalog.format('ALTER FUNCTION %s OWNER TO agent_console_definer', fn);
    END LOOP;
END
$$;
