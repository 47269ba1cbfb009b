-- Every suggested reply shown to an agent is audited with the pack it came from (issue 15): who,
-- for which message (its SHA-256 and length, never the text), the pack's citations and chunks,
-- what the draft cited and what was removed from it, the generator and model, latency and flags.
-- Agents append through app.record_draft(), which takes the agent and merchant from the server's
-- identity of the caller (app.audited_identity(), migration 012), as app.record_retrieval() does.

CREATE TABLE draft_audit (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    drafted_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_role         name NOT NULL,
    session_role    name NOT NULL,
    agent_id        text NOT NULL,
    merchant_id     text NOT NULL,
    query_sha256    text NOT NULL CHECK (query_sha256 ~ '^[0-9a-f]{64}$'),
    query_chars     integer NOT NULL CHECK (query_chars >= 0),
    pack_citations  text[] NOT NULL,
    chunk_ids       bigint[] NOT NULL,
    cited           text[] NOT NULL,
    removed         text[] NOT NULL,
    generator       text NOT NULL,
    model           text NOT NULL,
    latency_ms      real NOT NULL CHECK (latency_ms >= 0),
    flags           text[] NOT NULL,
    on_behalf       boolean NOT NULL DEFAULT false
);
CREATE INDEX draft_audit_agent_idx ON draft_audit (merchant_id, agent_id, drafted_at DESC);

ALTER TABLE draft_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE draft_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY draft_audit_owner ON draft_audit TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY draft_audit_definer_insert ON draft_audit FOR INSERT TO agent_console_definer WITH CHECK (true);
CREATE POLICY draft_audit_definer_returning ON draft_audit FOR SELECT TO agent_console_definer USING (true);
REVOKE ALL ON draft_audit FROM PUBLIC;
GRANT INSERT, SELECT (id) ON draft_audit TO agent_console_definer;
CREATE TRIGGER draft_audit_append_only BEFORE UPDATE ON draft_audit
    FOR EACH ROW EXECUTE FUNCTION app.reject_audit_update();

CREATE FUNCTION app.record_draft_for(role_name name, claimed_agent text, claimed_merchant text, query_sha256 text,
                                     query_chars integer, pack_citations text[], chunk_ids bigint[], cited text[],
                                     removed text[], generator text, model text, latency_ms real, flags text[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    who record;
    new_id bigint;
BEGIN
    who := app.audited_identity(role_name, claimed_agent, claimed_merchant);  -- (no SQL text in its errors' context)
    INSERT INTO public.draft_audit (db_role, session_role, agent_id, merchant_id, query_sha256, query_chars,
                                    pack_citations, chunk_ids, cited, removed, generator, model, latency_ms,
                                    flags, on_behalf)
    VALUES (role_name, session_user, who.agent_id, who.merchant_id, query_sha256, query_chars,
            coalesce(pack_citations, '{}'), coalesce(chunk_ids, '{}'), coalesce(cited, '{}'), coalesce(removed, '{}'),
            generator, coalesce(model, ''), latency_ms, coalesce(flags, '{}'), who.on_behalf)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION app.record_draft(claimed_agent text, claimed_merchant text, query_sha256 text, query_chars integer,
                                 pack_citations text[], chunk_ids bigint[], cited text[], removed text[],
                                 generator text, model text, latency_ms real, flags text[])
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT app.record_draft_for(current_user, claimed_agent, claimed_merchant, query_sha256, query_chars,
                                  pack_citations, chunk_ids, cited, removed, generator, model, latency_ms, flags) $$;

ALTER FUNCTION app.record_draft_for(name, text, text, text, integer, text[], bigint[], text[], text[], text, text, real, text[])
    OWNER TO agent_console_definer;
REVOKE ALL ON FUNCTION app.record_draft_for(name, text, text, text, integer, text[], bigint[], text[], text[], text, text, real, text[]),
    app.record_draft(text, text, text, integer, text[], bigint[], text[], text[], text, text, real, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.record_draft_for(name, text, text, text, integer, text[], bigint[], text[], text[], text, text, real, text[]),
    app.record_draft(text, text, text, integer, text[], bigint[], text[], text[], text, text, real, text[]) TO agent_console_agents;
