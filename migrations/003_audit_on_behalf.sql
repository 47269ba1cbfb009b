-- The audit function takes the merchant the client claims too. An agent's claim must match what
-- the server derives from its role (or be NULL); the owner (tools, evaluation, ragctl without an
-- agent role) records on behalf of the agent and merchant it names, marked on_behalf, even for an
-- identity that has no agents row (synthetic evaluation agents).

DROP FUNCTION app.record_retrieval(text, text, integer, text, integer, bigint[]);
DROP FUNCTION app.record_retrieval_for(name, text, text, integer, text, integer, bigint[]);

CREATE FUNCTION app.record_retrieval_for(role_name name, claimed_agent text, claimed_merchant text,
                                         query_sha256 text, query_chars integer, mode text, k integer,
                                         chunk_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    who_agent text;
    who_merchant text;
    behalf boolean := false;
    new_id bigint;
BEGIN
    IF role_name IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name
                                        AND pg_has_role(session_user, r.oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'not allowed to record retrievals as %', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT a.agent_id, a.merchant_id INTO who_agent, who_merchant FROM app.agent_of_role(role_name) a;
    IF FOUND THEN
        IF coalesce(claimed_agent, who_agent) <> who_agent OR coalesce(claimed_merchant, who_merchant) <> who_merchant THEN
            RAISE EXCEPTION 'role % is agent % of merchant %, not what the client claimed', role_name, who_agent, who_merchant
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        -- Not an agent: only the schema owner may record on behalf of a named agent.
        IF NOT pg_has_role(role_name, (SELECT c.relowner FROM pg_class c
                                        WHERE c.oid = 'public.retrieval_audit'::regclass), 'USAGE') THEN
            RAISE EXCEPTION 'role % is not an agent', role_name USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF claimed_agent IS NULL OR claimed_merchant IS NULL THEN
            RAISE EXCEPTION 'recording on behalf of an agent needs its id and merchant'
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        who_agent := claimed_agent;
        who_merchant := claimed_merchant;
        behalf := true;
    END IF;
    INSERT INTO public.retrieval_audit (db_role, session_role, agent_id, merchant_id, query_sha256,
                                        query_chars, mode, k, chunk_ids, on_behalf)
    VALUES (role_name, session_user, who_agent, who_merchant, query_sha256, query_chars, mode, k,
            coalesce(chunk_ids, '{}'), behalf)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION app.record_retrieval(claimed_agent text, claimed_merchant text, query_sha256 text,
                                     query_chars integer, mode text, k integer, chunk_ids bigint[])
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT app.record_retrieval_for(current_user, claimed_agent, claimed_merchant, query_sha256,
                                      query_chars, mode, k, chunk_ids) $$;

REVOKE ALL ON FUNCTION app.record_retrieval_for(name, text, text, text, integer, text, integer, bigint[]),
    app.record_retrieval(text, text, text, integer, text, integer, bigint[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.record_retrieval_for(name, text, text, text, integer, text, integer, bigint[]),
    app.record_retrieval(text, text, text, integer, text, integer, bigint[]) TO agent_console_agents;
