-- The lexical leg ranks by Okapi BM25 (issue 14), replacing ts_rank_cd (no IDF, no length
-- normalisation) with its caps: frequent terms are no longer dropped and matches are no longer cut
-- before they are scored.
--
--   score(d, q) = sum over distinct query lexemes t in d of
--                 idf(t) * tf(t, d) * (k1 + 1) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl))
--   idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))            (Lucene's, never negative)
--
-- over the chunks of one merchant's corpus version: tf is the number of positions of t in the
-- chunk's search_tsv (heading and text, english stemming, english stop words removed), |d| the
-- positions of all its lexemes, N, avgdl and df the version's. The statistics live in two tables
-- kept by statement-level triggers on chunks in the writing transaction itself, so they are never
-- stale and a rolled-back load leaves them untouched. They cover every row of the version, not
-- only what one agent may read (as a search engine's shard statistics do); SECURITY.md lists this.
--
-- Top-k is exact, found by MaxScore-style pruning (app.bm25_leg_for): a term can add at most
-- idf * (k1 + 1) to a chunk's score. The rarest query terms are searched first; when the k-th
-- score they find is at least what the remaining (commoner) terms could give a chunk that has none
-- of the rare ones, no other chunk can enter the top k. Otherwise the search grows to every term
-- whose bound is needed, and at worst scores every match.

CREATE TABLE chunk_lexical_totals (
    merchant_id     text NOT NULL,
    corpus_version  integer NOT NULL,
    chunks          bigint NOT NULL CHECK (chunks >= 0),
    tokens          bigint NOT NULL CHECK (tokens >= 0),
    PRIMARY KEY (merchant_id, corpus_version),
    FOREIGN KEY (merchant_id, corpus_version) REFERENCES corpus_versions (merchant_id, version) ON DELETE CASCADE
);

CREATE TABLE chunk_lexemes (
    merchant_id     text NOT NULL,
    corpus_version  integer NOT NULL,
    lexeme          text NOT NULL,
    chunks          bigint NOT NULL CHECK (chunks >= 0),  -- document frequency
    PRIMARY KEY (merchant_id, corpus_version, lexeme),
    FOREIGN KEY (merchant_id, corpus_version) REFERENCES corpus_versions (merchant_id, version) ON DELETE CASCADE
);

ALTER TABLE chunk_lexical_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunk_lexical_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY chunk_lexical_totals_owner ON chunk_lexical_totals TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY chunk_lexical_totals_definer ON chunk_lexical_totals FOR SELECT TO agent_console_definer USING (true);
ALTER TABLE chunk_lexemes ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunk_lexemes FORCE ROW LEVEL SECURITY;
CREATE POLICY chunk_lexemes_owner ON chunk_lexemes TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY chunk_lexemes_definer ON chunk_lexemes FOR SELECT TO agent_console_definer USING (true);
REVOKE ALL ON chunk_lexical_totals, chunk_lexemes FROM PUBLIC;
GRANT SELECT ON chunk_lexical_totals, chunk_lexemes TO agent_console_definer;

-- Positions of every lexeme: the chunk's length in BM25's sense.
CREATE FUNCTION app.tsvector_tokens(v tsvector) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(sum(pg_catalog.cardinality(u.positions)), 0)::integer FROM pg_catalog.unnest(v) AS u);

-- One function for the three triggers. The transition tables an event has are read by the same
-- two statements (EXECUTE sees them too): the chunks' lexemes and lengths, counted +1 for new rows
-- and -1 for old ones, added to the version's statistics. Counts are updated in place, then new
-- keys inserted (ON CONFLICT for a concurrent writer of the same version); a decrement for a
-- version that is gone (its statistics cascaded away with it) changes nothing. A lexeme whose
-- count falls to 0 keeps its row: df 0, ignored by the leg.
CREATE FUNCTION app.maintain_lexical_statistics() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    source text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT merchant_id, corpus_version, search_tsv, 1 AS sign FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT merchant_id, corpus_version, search_tsv, -1 AS sign FROM old_rows'
        ELSE 'SELECT merchant_id, corpus_version, search_tsv, 1 AS sign FROM new_rows '
             'UNION ALL SELECT merchant_id, corpus_version, search_tsv, -1 FROM old_rows' END;
BEGIN
    EXECUTE 'WITH d AS MATERIALIZED (' || source || '), '
         || 'delta AS (SELECT d.merchant_id, d.corpus_version, sum(d.sign)::bigint AS chunks, '
         || '          sum(d.sign * app.tsvector_tokens(d.search_tsv))::bigint AS tokens '
         || '          FROM d GROUP BY 1, 2), '
         || 'updated AS (UPDATE public.chunk_lexical_totals s SET chunks = s.chunks + delta.chunks, '
         || '            tokens = s.tokens + delta.tokens FROM delta '
         || '            WHERE s.merchant_id = delta.merchant_id AND s.corpus_version = delta.corpus_version '
         || '            RETURNING s.merchant_id, s.corpus_version) '
         || 'INSERT INTO public.chunk_lexical_totals AS s (merchant_id, corpus_version, chunks, tokens) '
         || 'SELECT delta.merchant_id, delta.corpus_version, delta.chunks, delta.tokens FROM delta '
         || 'WHERE delta.chunks > 0 AND NOT EXISTS (SELECT 1 FROM updated u WHERE u.merchant_id = delta.merchant_id '
         || '      AND u.corpus_version = delta.corpus_version) '
         || 'ORDER BY 1, 2 '
         || 'ON CONFLICT (merchant_id, corpus_version) DO UPDATE SET chunks = s.chunks + excluded.chunks, '
         || '   tokens = s.tokens + excluded.tokens';
    EXECUTE 'WITH d AS MATERIALIZED (' || source || '), '
         || 'delta AS (SELECT d.merchant_id, d.corpus_version, u.lexeme, sum(d.sign)::bigint AS chunks '
         || '          FROM d CROSS JOIN LATERAL pg_catalog.unnest(d.search_tsv) AS u '
         || '          GROUP BY 1, 2, 3 HAVING sum(d.sign) <> 0), '
         || 'updated AS (UPDATE public.chunk_lexemes s SET chunks = s.chunks + delta.chunks FROM delta '
         || '            WHERE s.merchant_id = delta.merchant_id AND s.corpus_version = delta.corpus_version '
         || '              AND s.lexeme = delta.lexeme '
         || '            RETURNING s.merchant_id, s.corpus_version, s.lexeme) '
         || 'INSERT INTO public.chunk_lexemes AS s (merchant_id, corpus_version, lexeme, chunks) '
         || 'SELECT delta.merchant_id, delta.corpus_version, delta.lexeme, delta.chunks FROM delta '
         || 'WHERE delta.chunks > 0 AND NOT EXISTS (SELECT 1 FROM updated u WHERE u.merchant_id = delta.merchant_id '
         || '      AND u.corpus_version = delta.corpus_version AND u.lexeme = delta.lexeme) '
         || 'AND EXISTS (SELECT 1 FROM public.corpus_versions v WHERE v.merchant_id = delta.merchant_id '
         || '      AND v.version = delta.corpus_version) '
         || 'ORDER BY 1, 2, 3 '
         || 'ON CONFLICT (merchant_id, corpus_version, lexeme) DO UPDATE SET chunks = s.chunks + excluded.chunks';
    RETURN NULL;
END
$$;

CREATE TRIGGER chunks_lexical_statistics_insert AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_lexical_statistics();
CREATE TRIGGER chunks_lexical_statistics_update AFTER UPDATE ON chunks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_lexical_statistics();
CREATE TRIGGER chunks_lexical_statistics_delete AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_lexical_statistics();

-- What is already there.
INSERT INTO chunk_lexical_totals (merchant_id, corpus_version, chunks, tokens)
SELECT merchant_id, corpus_version, count(*), sum(app.tsvector_tokens(search_tsv)) FROM chunks GROUP BY 1, 2;
INSERT INTO chunk_lexemes (merchant_id, corpus_version, lexeme, chunks)
SELECT c.merchant_id, c.corpus_version, u.lexeme, count(*) FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) AS u
GROUP BY 1, 2, 3;

-- A query's distinct lexemes (the configuration search_tsv uses) with the version's statistics:
-- idf, df and each term's bound on what it can add to a score, rarest (largest bound) first.
-- Lexemes no chunk of the version holds are left out.
CREATE FUNCTION app.bm25_terms(merchant text, version integer, query text, k1 real)
RETURNS TABLE (lexeme text, df bigint, idf double precision, bound double precision)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT l.lexeme, s.chunks, w.idf, w.idf * (k1 + 1)
    FROM pg_catalog.unnest(pg_catalog.tsvector_to_array(pg_catalog.to_tsvector('pg_catalog.english', query))) AS l(lexeme)
    JOIN public.chunk_lexemes s ON s.merchant_id = merchant AND s.corpus_version = version AND s.lexeme = l.lexeme
    JOIN public.chunk_lexical_totals t ON t.merchant_id = merchant AND t.corpus_version = version
    CROSS JOIN LATERAL (SELECT pg_catalog.ln(1 + (t.chunks - s.chunks + 0.5) / (s.chunks + 0.5)) AS idf) AS w
    WHERE s.chunks > 0
    ORDER BY w.idf DESC, l.lexeme
$$;

-- An OR of lexemes as a tsquery, each quoted as a literal lexeme (no operators can get in).
CREATE FUNCTION app.lexeme_disjunction(lexemes text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
RETURN (SELECT pg_catalog.string_agg('''' || pg_catalog.replace(pg_catalog.replace(l, '\', '\\'), '''', '''''') || '''', ' | ')
        FROM pg_catalog.unnest(lexemes) AS l)::tsquery;

-- Term frequency and chunk length without unnesting every matching tsvector (a per-row subquery
-- cost ~25 us a chunk; these are C functions over the tsvector). With every weight 1 and no
-- normalisation, ts_rank of a one-lexeme query is r = H(tf) / z, H(n) the sum of 1/i^2 for
-- i = 1..n and z = 1.64493406685 (pi^2/6, tsrank.c's calc_rank_or). The tail z - H(n) is close to
-- 1/(n + 1/2), so tf = round(1 / (z * (1 - r)) - 1/2), exactly, for every tf a tsvector can hold
-- (at most 256 positions a lexeme), and 0 when the lexeme is absent (r = 0). Normalisation 2
-- divides by the number of positions in the chunk, so the quotient of two ranks is BM25's |d|.
-- Checked here on this server, and in the tests against a hand-computed example.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.generate_series(0, 256) AS tf
               WHERE pg_catalog.round(1 / (1.64493406685 * (1 - pg_catalog.ts_rank('{1,1,1,1}',
                         coalesce((SELECT pg_catalog.string_agg('a:' || p, ' ') FROM pg_catalog.generate_series(1, tf) AS p),
                                  'b')::tsvector, 'a'::tsquery)::double precision)) - 0.5) <> tf) THEN
        RAISE EXCEPTION 'ts_rank on this server does not give term frequencies back (tsrank.c changed?)';
    END IF;
END
$$;

-- The scoring statement for n query lexemes: chunks of the scope matching any searched lexeme
-- ($4), scored on every query lexeme ($5, one tsquery each, with idf $6). $7 k1, $8 b, $9 the
-- version's average length, $10 limit, $11 the OR of all query lexemes (for the length). The
-- tsvector is read once (d.v) for the seven-odd ranks; OFFSET 0 keeps each LATERAL computed once
-- per chunk instead of being inlined into every term that uses it.
CREATE FUNCTION app.bm25_leg_statement(n integer) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN 'SELECT c.id, c.source_type, coalesce(c.document_id, c.ticket_id) AS source_id, c.chunk_index, '
    || 'c.heading_path, c.citation, c.chunk_text, c.acl, c.metadata, s.score '
    || 'FROM public.chunks c '
    || 'CROSS JOIN LATERAL (SELECT c.search_tsv || ''''::tsvector AS v OFFSET 0) AS d '
    || 'CROSS JOIN LATERAL (SELECT $7 * (1 - $8 + $8 * (ts_rank(''{1,1,1,1}'', d.v, $11, 0) '
    || '  / ts_rank(''{1,1,1,1}'', d.v, $11, 2)) / $9) AS norm'
    || (SELECT string_agg(format(', round(1 / (1.64493406685 * (1 - ts_rank(''{1,1,1,1}'', d.v, $5[%s])::float8)) - 0.5) AS tf%s', i, i), '' ORDER BY i)
        FROM generate_series(1, n) AS i)
    || ' OFFSET 0) AS t '
    || 'CROSS JOIN LATERAL (SELECT ('
    || (SELECT string_agg(format('$6[%s] * t.tf%s * ($7 + 1) / (t.tf%s + t.norm)', i, i, i), ' + ' ORDER BY i)
        FROM generate_series(1, n) AS i)
    || ')::real AS score) AS s '
    || 'WHERE c.merchant_id = $1 AND c.corpus_version = $2 AND c.acl && $3 AND c.search_tsv @@ $4 '
    || 'ORDER BY s.score DESC, c.id '
    || 'LIMIT $10';

CREATE TYPE app.bm25_hit AS (id bigint, source_type text, source_id text, chunk_index integer, heading_path text,
                             citation text, chunk_text text, acl text[], metadata jsonb, score real);

-- The search itself, for tokens already checked (never granted to agents; the definer functions
-- below call it). Which lexemes to search, MaxScore-style: first the rarest terms while their
-- chunks add up to at most first_pass_rows (always at least one term). If the k-th score found
-- there is at least the sum of the other terms' bounds, nothing outside can reach the top k: done.
-- Otherwise every term must be searched but the commonest ones whose bounds together stay below
-- that k-th score (all of them when fewer than k chunks were found), and the chunks are scored once
-- more. `explain`: the plan of the last scoring statement, run under EXPLAIN ANALYZE.
CREATE FUNCTION app.bm25_search(allowed text[], merchant text, version integer, query text, k1 real, b real,
                                first_pass_rows integer, row_limit integer, explain boolean,
                                OUT hits app.bm25_hit[], OUT searched text[], OUT plan json)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    avgdl double precision;
    lexemes text[];
    idfs double precision[];
    dfs bigint[];
    bounds double precision[];
    n integer := 0;
    rows_so_far bigint := 0;
    rest double precision := 0;
    kth real;
    statement text;
    queries tsquery[];
    everything tsquery;
BEGIN
    hits := '{}';
    searched := '{}';
    SELECT t.tokens::double precision / greatest(t.chunks, 1) INTO avgdl
    FROM public.chunk_lexical_totals t WHERE t.merchant_id = merchant AND t.corpus_version = version;
    SELECT array_agg(q.lexeme), array_agg(q.idf), array_agg(q.df), array_agg(q.bound)
    INTO lexemes, idfs, dfs, bounds FROM app.bm25_terms(merchant, version, query, k1) AS q;
    IF allowed IS NULL OR row_limit < 1 OR avgdl IS NULL OR lexemes IS NULL THEN
        RETURN;
    END IF;
    avgdl := greatest(avgdl, 1e-9);
    statement := 'SELECT coalesce(array_agg(h ORDER BY h.score DESC, h.id), ''{}'') FROM ('
                 || app.bm25_leg_statement(cardinality(lexemes)) || ') AS h';
    SELECT array_agg(app.lexeme_disjunction(ARRAY[l]) ORDER BY o) INTO queries
    FROM pg_catalog.unnest(lexemes) WITH ORDINALITY AS u(l, o);
    everything := app.lexeme_disjunction(lexemes);
    FOR i IN 1 .. cardinality(lexemes) LOOP
        EXIT WHEN n > 0 AND rows_so_far + dfs[i] > first_pass_rows;
        n := i;
        rows_so_far := rows_so_far + dfs[i];
    END LOOP;
    FOR i IN n + 1 .. cardinality(lexemes) LOOP
        rest := rest + bounds[i];
    END LOOP;
    EXECUTE statement INTO hits
        USING merchant, version, allowed, app.lexeme_disjunction(lexemes[1:n]), queries, idfs, k1, b, avgdl, row_limit,
              everything;
    IF n < cardinality(lexemes) THEN
        kth := CASE WHEN cardinality(hits) >= row_limit THEN (hits[row_limit]).score ELSE 0 END;
        IF kth < rest THEN
            rest := 0;
            n := cardinality(lexemes);
            WHILE n > 1 AND rest + bounds[n] < kth LOOP
                rest := rest + bounds[n];
                n := n - 1;
            END LOOP;
            EXECUTE statement INTO hits
                USING merchant, version, allowed, app.lexeme_disjunction(lexemes[1:n]), queries, idfs, k1, b, avgdl,
                      row_limit, everything;
        END IF;
    END IF;
    searched := lexemes[1:n];
    IF explain THEN
        EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || app.bm25_leg_statement(cardinality(lexemes))
            INTO plan
            USING merchant, version, allowed, app.lexeme_disjunction(searched), queries, idfs, k1, b, avgdl, row_limit,
                  everything;
    END IF;
END
$$;

-- Identity as in the other legs (app.leg_tokens): the caller's own merchant and tokens.
CREATE FUNCTION app.bm25_leg_for(role_name name, merchant text, version integer, tokens text[], query text,
                                 k1 real, b real, first_pass_rows integer, row_limit integer)
RETURNS SETOF app.bm25_hit
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT h.* FROM app.bm25_search(app.leg_tokens(role_name, merchant, tokens), merchant, version,
                                                 query, k1, b, first_pass_rows, row_limit, false) AS s,
                                 pg_catalog.unnest(s.hits) AS h;
END
$$;

-- The lexemes searched and the plan of the statement that produced the leg's rows.
CREATE FUNCTION app.explain_bm25_leg_for(role_name name, merchant text, version integer, tokens text[], query text,
                                         k1 real, b real, first_pass_rows integer, row_limit integer,
                                         OUT searched text[], OUT plan json)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    SELECT s.searched, s.plan INTO searched, plan
    FROM app.bm25_search(coalesce(app.leg_tokens(role_name, merchant, tokens), '{}'), merchant, version, query,
                         k1, b, first_pass_rows, row_limit, true) AS s;
END
$$;

CREATE FUNCTION app.bm25_leg(merchant text, version integer, tokens text[], query text, k1 real, b real,
                             first_pass_rows integer, row_limit integer)
RETURNS SETOF app.bm25_hit
LANGUAGE sql VOLATILE
AS $$ SELECT * FROM app.bm25_leg_for(current_user, merchant, version, tokens, query, k1, b, first_pass_rows, row_limit) $$;

CREATE FUNCTION app.explain_bm25_leg(merchant text, version integer, tokens text[], query text, k1 real, b real,
                                     first_pass_rows integer, row_limit integer, OUT searched text[], OUT plan json)
LANGUAGE sql VOLATILE
AS $$ SELECT * FROM app.explain_bm25_leg_for(current_user, merchant, version, tokens, query, k1, b, first_pass_rows, row_limit) $$;

-- The ts_rank_cd leg is gone (its term statistics went in 012).
DROP FUNCTION app.lexical_leg(text, integer, text[], text, integer, integer);
DROP FUNCTION app.explain_lexical_leg(text, integer, text[], text, integer, integer);
DROP FUNCTION app.lexical_leg_for(name, text, integer, text[], text, integer, integer);
DROP FUNCTION app.explain_lexical_leg_for(name, text, integer, text[], text, integer, integer);
DROP FUNCTION app.lexical_leg_statement();

REVOKE ALL ON FUNCTION app.tsvector_tokens(tsvector), app.maintain_lexical_statistics(),
    app.bm25_terms(text, integer, text, real), app.lexeme_disjunction(text[]), app.bm25_leg_statement(integer),
    app.bm25_search(text[], text, integer, text, real, real, integer, integer, boolean),
    app.bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer),
    app.explain_bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer),
    app.bm25_leg(text, integer, text[], text, real, real, integer, integer),
    app.explain_bm25_leg(text, integer, text[], text, real, real, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.tsvector_tokens(tsvector), app.bm25_terms(text, integer, text, real),
    app.lexeme_disjunction(text[]), app.bm25_leg_statement(integer),
    app.bm25_search(text[], text, integer, text, real, real, integer, integer, boolean) TO agent_console_definer;
GRANT EXECUTE ON FUNCTION app.bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer),
    app.explain_bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer),
    app.bm25_leg(text, integer, text[], text, real, real, integer, integer),
    app.explain_bm25_leg(text, integer, text[], text, real, real, integer, integer) TO agent_console_agents;
GRANT USAGE ON TYPE app.bm25_hit TO agent_console_agents, agent_console_definer;

ALTER FUNCTION app.bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer) OWNER TO agent_console_definer;
ALTER FUNCTION app.explain_bm25_leg_for(name, text, integer, text[], text, real, real, integer, integer) OWNER TO agent_console_definer;
