-- The vector path's planner estimates in one round trip (were four statements, ~1.2 ms): the
-- plan rows of the merchant's partition, of its corpus version and of what the caller's tokens
-- match, and the partition's size from pg_class. SECURITY INVOKER on purpose: the EXPLAINs plan
-- under the caller's row-level security, as the separate statements did, and `under_policy` says
-- so (the policies show as InitPlans).
CREATE FUNCTION app.path_estimates(merchant text, version integer, tokens text[],
                                   OUT partition_rows double precision, OUT version_rows double precision,
                                   OUT authorised_rows double precision, OUT table_rows bigint,
                                   OUT under_policy boolean)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    plan json;
    plans text := '';
BEGIN
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM public.chunks c WHERE c.merchant_id = $1' INTO plan USING merchant;
    partition_rows := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
    plans := plans || plan::text;
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM public.chunks c WHERE c.merchant_id = $1 AND c.corpus_version = $2'
        INTO plan USING merchant, version;
    version_rows := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
    plans := plans || plan::text;
    EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM public.chunks c WHERE c.merchant_id = $1 AND c.corpus_version = $2 '
            'AND c.acl && $3' INTO plan USING merchant, version, tokens;
    authorised_rows := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
    plans := plans || plan::text;
    under_policy := plans LIKE '%"Subplan Name": "InitPlan%';
    SELECT greatest(c.reltuples::bigint, 0) INTO table_rows FROM pg_catalog.pg_class c
    WHERE c.oid = pg_catalog.to_regclass(pg_catalog.format('public.%I', app.chunk_partition_name(merchant)));
    table_rows := coalesce(table_rows, 0);
END
$$;

REVOKE ALL ON FUNCTION app.path_estimates(text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.path_estimates(text, integer, text[]) TO agent_console_agents;
