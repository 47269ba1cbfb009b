-- Security inside the database: agents query as their own non-owner roles, and row-level security
-- decides what each one sees. The client is never trusted to filter: an agent's merchant and ACL
-- tokens are derived on the server from the role it is (current_user), never from anything it sends.
--
-- Roles
--   owner (whoever runs this migration; the embedded cluster's bootstrap user): owns every object.
--   agent_console_agents: NOLOGIN group, holds SELECT on the merchant tables and EXECUTE on the
--     identity and audit functions. Every agent is a LOGIN role (agents.db_role) that is a member of
--     this group and of nothing else, so one agent can never SET ROLE to another.
--
-- Policy functions
--   app.agent_of_role(role) is SECURITY DEFINER (it reads agents, which agents cannot read freely)
--   and answers only for a role the session user is a member of: an agent asking about another
--   agent's role gets no row. app.current_agent_*() are SECURITY INVOKER wrappers that pass
--   current_user, so SET ROLE by the owner (ragctl) and a direct login (console) both work.
--   All are STABLE (they read a table; constant within a statement) and not LEAKPROOF (only a
--   superuser may mark functions leakproof and nothing here needs it: policies call them inside
--   scalar subqueries, which run once per statement as InitPlans, and compare their results with
--   texteq (leakproof) and && (arrayoverlap, not leakproof, but a policy's own quals may always
--   use an index)). Custom settings (GUCs) are deliberately not a source of identity: any client
--   can set them.

CREATE SCHEMA IF NOT EXISTS app;
REVOKE ALL ON SCHEMA app FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'agent_console_agents') THEN
        BEGIN
            CREATE ROLE agent_console_agents NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'cannot create the role agent_console_agents: the migrating role % lacks CREATEROLE', current_user
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'As a superuser run: CREATE ROLE agent_console_agents NOLOGIN; then run the migration again.';
        END;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA app TO agent_console_agents;
GRANT USAGE ON SCHEMA public TO agent_console_agents;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Identity -----------------------------------------------------------------------------------

CREATE FUNCTION app.agent_of_role(role_name name)
RETURNS TABLE (agent_id text, merchant_id text, display_name text, kind text, acl_tokens text[])
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
    SELECT a.id, a.merchant_id, a.display_name, a.kind, a.acl_tokens
    FROM public.agents a
    JOIN pg_catalog.pg_roles r ON r.rolname = a.db_role
    WHERE a.db_role = role_name
      AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')
$$;

CREATE FUNCTION app.current_agent()
RETURNS TABLE (agent_id text, merchant_id text, display_name text, kind text, acl_tokens text[])
LANGUAGE sql STABLE
AS $$ SELECT * FROM app.agent_of_role(current_user) $$;

CREATE FUNCTION app.current_agent_id() RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT agent_id FROM app.agent_of_role(current_user) $$;

CREATE FUNCTION app.current_agent_merchant() RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT merchant_id FROM app.agent_of_role(current_user) $$;

CREATE FUNCTION app.current_agent_tokens() RETURNS text[]
LANGUAGE sql STABLE
AS $$ SELECT acl_tokens FROM app.agent_of_role(current_user) $$;

REVOKE ALL ON FUNCTION app.agent_of_role(name), app.current_agent(), app.current_agent_id(),
    app.current_agent_merchant(), app.current_agent_tokens() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.agent_of_role(name), app.current_agent(), app.current_agent_id(),
    app.current_agent_merchant(), app.current_agent_tokens() TO agent_console_agents;

-- Privileges: read-only, and only the merchant tables ------------------------------------------

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON merchants, agents, customers, orders, order_items, support_documents, tickets,
    ticket_messages, corpus_versions, chunks TO agent_console_agents;

-- Row-level security, enabled and forced (the owner is held to its own policy too) -------------
-- Every policy wraps the identity functions in a scalar subquery: evaluated once per statement,
-- the result is a parameter the planner can use in an index condition.

ALTER TABLE merchants ENABLE ROW LEVEL SECURITY;
ALTER TABLE merchants FORCE ROW LEVEL SECURITY;
CREATE POLICY merchants_owner ON merchants TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY merchants_agent ON merchants FOR SELECT TO agent_console_agents
    USING (id = (SELECT app.current_agent_merchant()));

ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE agents FORCE ROW LEVEL SECURITY;
CREATE POLICY agents_owner ON agents TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY agents_agent ON agents FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));

ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY customers_owner ON customers TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY customers_agent ON customers FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));

ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_owner ON orders TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY orders_agent ON orders FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));

ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items FORCE ROW LEVEL SECURITY;
CREATE POLICY order_items_owner ON order_items TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY order_items_agent ON order_items FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));

ALTER TABLE corpus_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE corpus_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY corpus_versions_owner ON corpus_versions TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY corpus_versions_agent ON corpus_versions FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant()));

ALTER TABLE support_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE support_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY support_documents_owner ON support_documents TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY support_documents_agent ON support_documents FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND acl && (SELECT app.current_agent_tokens()));

ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY tickets_owner ON tickets TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY tickets_agent ON tickets FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND acl && (SELECT app.current_agent_tokens()));

-- A message is visible when its ticket is: the subquery runs under the tickets policy.
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_messages_owner ON ticket_messages TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY ticket_messages_agent ON ticket_messages FOR SELECT TO agent_console_agents
    USING (EXISTS (SELECT 1 FROM tickets t WHERE t.id = ticket_messages.ticket_id));

ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY chunks_owner ON chunks TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY chunks_agent ON chunks FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND acl && (SELECT app.current_agent_tokens()));

-- Audit trail --------------------------------------------------------------------------------
-- One row per retrieval. Agents hold no privilege on the table at all; they append through
-- app.record_retrieval(), which takes the agent and merchant from the server-side identity.

CREATE TABLE retrieval_audit (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    asked_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_role        name NOT NULL,                -- the role that ran the retrieval
    session_role   name NOT NULL,                -- the login behind it (the owner for ragctl SET ROLE)
    agent_id       text NOT NULL,
    merchant_id    text NOT NULL,
    query_sha256   text NOT NULL CHECK (query_sha256 ~ '^[0-9a-f]{64}$'),
    query_chars    integer NOT NULL CHECK (query_chars >= 0),
    mode           text NOT NULL,
    k              integer NOT NULL,
    chunk_ids      bigint[] NOT NULL,
    on_behalf      boolean NOT NULL DEFAULT false  -- the owner recorded it for a named agent
);
CREATE INDEX retrieval_audit_agent_idx ON retrieval_audit (merchant_id, agent_id, asked_at DESC);

ALTER TABLE retrieval_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE retrieval_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY retrieval_audit_owner ON retrieval_audit TO CURRENT_USER USING (true) WITH CHECK (true);
REVOKE ALL ON retrieval_audit FROM PUBLIC;

CREATE FUNCTION app.reject_audit_update() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'retrieval_audit is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER retrieval_audit_append_only BEFORE UPDATE ON retrieval_audit
    FOR EACH ROW EXECUTE FUNCTION app.reject_audit_update();

-- role_name must be a role the session user is (a member of). An agent role records for itself;
-- the owner's own role (ragctl/eval without SET ROLE) records on behalf of the agent it names.
CREATE FUNCTION app.record_retrieval_for(role_name name, claimed_agent text, query_sha256 text,
                                         query_chars integer, mode text, k integer, chunk_ids bigint[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
DECLARE
    who record;
    behalf boolean := false;
    new_id bigint;
BEGIN
    IF role_name IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = role_name
                                        AND pg_has_role(session_user, r.oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'not allowed to record retrievals as %', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO who FROM app.agent_of_role(role_name);
    IF NOT FOUND THEN
        -- Not an agent: only the schema owner may record on behalf of a named agent.
        IF NOT pg_has_role(role_name, (SELECT c.relowner FROM pg_class c
                                        WHERE c.oid = 'public.retrieval_audit'::regclass), 'USAGE') THEN
            RAISE EXCEPTION 'role % is not an agent', role_name USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT a.id AS agent_id, a.merchant_id INTO who FROM public.agents a WHERE a.id = claimed_agent;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'unknown agent %', claimed_agent USING ERRCODE = 'invalid_parameter_value';
        END IF;
        behalf := true;
    ELSIF claimed_agent IS NOT NULL AND claimed_agent <> who.agent_id THEN
        RAISE EXCEPTION 'role % is agent %, not %', role_name, who.agent_id, claimed_agent
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO public.retrieval_audit (db_role, session_role, agent_id, merchant_id, query_sha256,
                                        query_chars, mode, k, chunk_ids, on_behalf)
    VALUES (role_name, session_user, who.agent_id, who.merchant_id, query_sha256, query_chars, mode, k,
            coalesce(chunk_ids, '{}'), behalf)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION app.record_retrieval(claimed_agent text, query_sha256 text, query_chars integer,
                                     mode text, k integer, chunk_ids bigint[])
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT app.record_retrieval_for(current_user, claimed_agent, query_sha256, query_chars, mode, k, chunk_ids) $$;

REVOKE ALL ON FUNCTION app.record_retrieval_for(name, text, text, integer, text, integer, bigint[]),
    app.record_retrieval(text, text, integer, text, integer, bigint[]), app.reject_audit_update() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.record_retrieval_for(name, text, text, integer, text, integer, bigint[]),
    app.record_retrieval(text, text, integer, text, integer, bigint[]) TO agent_console_agents;
