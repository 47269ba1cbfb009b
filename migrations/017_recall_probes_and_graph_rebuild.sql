-- Operations (issue 16): the recall-drift monitor and online graph rebuilds.
--
-- recall_probes: for a sample of real questions answered through an HNSW graph, recall@k of the
-- graph's top k against the exact top k over the same authorised rows (retrieval::probeRecall),
-- measured right after the answer. Nothing of the question is kept. Agents append through
-- app.record_recall_probe() (identity from the server, as for the audit) and read their own
-- merchant's summary through app.recall_health(); the owner reads every row (ragctl health).

CREATE TABLE recall_probes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    probed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    merchant_id    text NOT NULL,
    agent_id       text NOT NULL,
    corpus_version integer NOT NULL,
    vector_path    text NOT NULL,
    ef_search      integer NOT NULL CHECK (ef_search > 0),
    k              integer NOT NULL CHECK (k > 0),
    recall         real NOT NULL CHECK (recall >= 0 AND recall <= 1)
);
CREATE INDEX recall_probes_merchant_idx ON recall_probes (merchant_id, probed_at DESC);

ALTER TABLE recall_probes ENABLE ROW LEVEL SECURITY;
ALTER TABLE recall_probes FORCE ROW LEVEL SECURITY;
CREATE POLICY recall_probes_owner ON recall_probes TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY recall_probes_definer_insert ON recall_probes FOR INSERT TO agent_console_definer WITH CHECK (true);
CREATE POLICY recall_probes_definer_read ON recall_probes FOR SELECT TO agent_console_definer USING (true);
REVOKE ALL ON recall_probes FROM PUBLIC;
GRANT INSERT, SELECT ON recall_probes TO agent_console_definer;

CREATE FUNCTION app.record_recall_probe_for(role_name name, claimed_agent text, claimed_merchant text,
                                            version integer, path text, ef integer, top_k integer, measured real)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    who record;
    new_id bigint;
BEGIN
    who := app.audited_identity(role_name, claimed_agent, claimed_merchant);
    INSERT INTO public.recall_probes (merchant_id, agent_id, corpus_version, vector_path, ef_search, k, recall)
    VALUES (who.merchant_id, who.agent_id, version, path, ef, top_k, measured)
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

CREATE FUNCTION app.record_recall_probe(claimed_agent text, claimed_merchant text, version integer, path text,
                                        ef integer, top_k integer, measured real)
RETURNS bigint
LANGUAGE sql VOLATILE
AS $$ SELECT app.record_recall_probe_for(current_user, claimed_agent, claimed_merchant, version, path, ef, top_k, measured) $$;

-- The caller's own merchant only: an agent role asks for itself (ragctl's owner, through SET ROLE,
-- for the agent it acts as).
CREATE FUNCTION app.recall_health_for(role_name name, hours integer)
RETURNS TABLE (probes bigint, mean_recall double precision, min_recall real, last_probe timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    merchant text;
BEGIN
    IF role_name IS NULL OR NOT pg_catalog.pg_has_role(session_user, role_name, 'MEMBER') THEN
        RAISE EXCEPTION 'not allowed to read recall health as %', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT a.merchant_id INTO merchant FROM app.agent_of_role(role_name) a;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % is not an agent', role_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY
    SELECT pg_catalog.count(*), pg_catalog.avg(p.recall)::double precision, pg_catalog.min(p.recall), pg_catalog.max(p.probed_at)
    FROM public.recall_probes p
    WHERE p.merchant_id = merchant
      AND p.probed_at > pg_catalog.clock_timestamp() - pg_catalog.make_interval(hours => hours);
END
$$;

CREATE FUNCTION app.recall_health(hours integer)
RETURNS TABLE (probes bigint, mean_recall double precision, min_recall real, last_probe timestamptz)
LANGUAGE sql STABLE
AS $$ SELECT * FROM app.recall_health_for(current_user, hours) $$;

ALTER FUNCTION app.record_recall_probe_for(name, text, text, integer, text, integer, integer, real) OWNER TO agent_console_definer;
ALTER FUNCTION app.recall_health_for(name, integer) OWNER TO agent_console_definer;
REVOKE ALL ON FUNCTION app.record_recall_probe_for(name, text, text, integer, text, integer, integer, real),
    app.record_recall_probe(text, text, integer, text, integer, integer, real),
    app.recall_health_for(name, integer), app.recall_health(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.record_recall_probe_for(name, text, text, integer, text, integer, integer, real),
    app.record_recall_probe(text, text, integer, text, integer, integer, real),
    app.recall_health_for(name, integer), app.recall_health(integer) TO agent_console_agents;

-- Online rebuild of a merchant's graphs (ragctl reindex): for every valid HNSW graph on its
-- partition (the merchant's graphs of each dimension count and its ACL graphs), the statements that
-- build a replacement beside it with CREATE INDEX CONCURRENTLY (same definition, m / ef_construction
-- as given or as they are), drop the old one concurrently and give the replacement its name. Queries
-- keep using the old graph until the new one is valid, then either; none waits on a lock that a
-- query holds for long. `cleanup` drops a replacement left invalid by an interrupted rebuild.
CREATE FUNCTION app.graph_rebuild_plan(merchant text, new_m integer, new_ef_construction integer)
RETURNS TABLE (graph text, replacement text, options text, cleanup text, build text, drop_old text, rename text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    part regclass := pg_catalog.to_regclass(pg_catalog.format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant)));
BEGIN
    IF part IS NULL THEN
        RAISE EXCEPTION 'merchant % has no chunks partition', merchant USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF new_m IS NOT NULL AND (new_m < 2 OR new_m > 100) THEN
        RAISE EXCEPTION 'm must be between 2 and 100 (got %)', new_m USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF new_ef_construction IS NOT NULL AND (new_ef_construction < 4 OR new_ef_construction > 1000) THEN
        RAISE EXCEPTION 'ef_construction must be between 4 and 1000 (got %)', new_ef_construction
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH graphs AS (
        SELECT ix.oid, ix.relname::text AS name, left(ix.relname::text, 55) || '_rebuild' AS tmp,
               pg_catalog.format('m = %s, ef_construction = %s',
                   coalesce(new_m::text, (SELECT pg_catalog.split_part(o, '=', 2) FROM pg_catalog.unnest(ix.reloptions) o
                                          WHERE o LIKE 'm=%'), '16'),
                   coalesce(new_ef_construction::text, (SELECT pg_catalog.split_part(o, '=', 2) FROM pg_catalog.unnest(ix.reloptions) o
                                                        WHERE o LIKE 'ef\_construction=%'), '64')) AS opts
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class ix ON ix.oid = i.indexrelid
        JOIN pg_catalog.pg_am a ON a.oid = ix.relam
        WHERE i.indrelid = part AND a.amname = 'hnsw' AND i.indisvalid AND ix.relname NOT LIKE '%\_rebuild'
    )
    SELECT g.name, g.tmp, g.opts,
           pg_catalog.format('DROP INDEX CONCURRENTLY IF EXISTS %I.%I', app.chunks_schema(), g.tmp),
           pg_catalog.regexp_replace(
               pg_catalog.regexp_replace(pg_catalog.pg_get_indexdef(g.oid), '^CREATE INDEX \S+ ON ',
                                         pg_catalog.format('CREATE INDEX CONCURRENTLY %I ON ', g.tmp)),
               'WITH \([^)]*\)', 'WITH (' || g.opts || ')'),
           pg_catalog.format('DROP INDEX CONCURRENTLY %I.%I', app.chunks_schema(), g.name),
           pg_catalog.format('ALTER INDEX %I.%I RENAME TO %I', app.chunks_schema(), g.tmp, g.name)
    FROM graphs g
    ORDER BY g.name;
END
$$;
REVOKE ALL ON FUNCTION app.graph_rebuild_plan(text, integer, integer) FROM PUBLIC;
