-- The BM25 leg reads postings lists instead of the chunks' tsvectors (issue 14). Scoring every
-- chunk that holds a query term cost about 2 us a match in SQL (a bitmap heap fetch, a tsvector
-- decompression, a ts_rank per term): 1.1 s at p95 in a 300k-chunk tenant whose common terms are
-- each in a third of the chunks. The extension agent_console_bm25 (core/retrieval/pg_bm25, built
-- by scripts/setup) keeps, per merchant, version, lexeme and ACL token, varint-packed lists of
-- (chunk id, tf, |d|), and scores them in C, document at a time with MaxScore pruning. A search
-- reads the lists of the caller's tokens only (a chunk is in the lists of each token of its acl),
-- so every chunk it scores is one the caller may read, as `acl && allowed` in the other legs; the
-- top k chunks are then read by primary key under that same condition.
--
-- The lists are kept like the term statistics: by statement-level triggers on chunks, in the
-- writing transaction, so they are never stale and a rolled-back load leaves them untouched. A
-- statement adds one segment per lexeme and token it wrote; segments of a key are merged, log-structured,
-- whenever four of a size class (by powers of 4) are present, so a lexeme has few segments and each
-- posting is rewritten O(log n) times. A deleted chunk is taken out of every list it was in.
-- The lists, like the statistics, cover every chunk of a version; agents never read them.

CREATE EXTENSION IF NOT EXISTS agent_console_bm25 SCHEMA app;

CREATE TABLE chunk_postings (
    merchant_id     text NOT NULL,
    corpus_version  integer NOT NULL,
    lexeme          text NOT NULL,
    token           text NOT NULL,      -- an ACL token of the chunks listed
    segment         bigint GENERATED ALWAYS AS IDENTITY,
    entries         integer NOT NULL CHECK (entries >= 0),
    postings        bytea NOT NULL,
    PRIMARY KEY (merchant_id, corpus_version, lexeme, token, segment),
    FOREIGN KEY (merchant_id, corpus_version) REFERENCES corpus_versions (merchant_id, version) ON DELETE CASCADE
);
-- Already packed; compression would only cost time on every read.
ALTER TABLE chunk_postings ALTER COLUMN postings SET STORAGE EXTERNAL;
CREATE INDEX chunk_postings_emptied ON chunk_postings (merchant_id) WHERE entries = 0;

ALTER TABLE chunk_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunk_postings FORCE ROW LEVEL SECURITY;
CREATE POLICY chunk_postings_owner ON chunk_postings TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY chunk_postings_definer ON chunk_postings FOR SELECT TO agent_console_definer USING (true);
REVOKE ALL ON chunk_postings FROM PUBLIC;
GRANT SELECT ON chunk_postings TO agent_console_definer;

-- A segment's size class: entries by powers of 4 (1-3, 4-15, 16-63, ...).
CREATE FUNCTION app.postings_size_class(entries integer) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN pg_catalog.floor(pg_catalog.ln(GREATEST(entries, 1)) / pg_catalog.ln(4))::integer;

-- Segments of one (merchant, version, lexeme, token) key, for every key of the arrays: the four or
-- more of one size class are merged into one of the next, until no class of a key holds four. Each merged segment is deleted by exactly one transaction
-- (DELETE ... RETURNING), so concurrent writers never merge a posting twice.
CREATE FUNCTION app.compact_postings(merchants text[], versions integer[], lexemes text[], tokens text[])
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    merged bigint;
BEGIN
    LOOP
        WITH keys AS (SELECT DISTINCT * FROM ROWS FROM (pg_catalog.unnest(merchants), pg_catalog.unnest(versions),
                                                        pg_catalog.unnest(lexemes), pg_catalog.unnest(tokens)) AS k(m, v, l, t)),
             crowded AS (SELECT p.merchant_id, p.corpus_version, p.lexeme, p.token,
                                app.postings_size_class(p.entries) AS size_class
                         FROM keys k JOIN public.chunk_postings p
                           ON p.merchant_id = k.m AND p.corpus_version = k.v AND p.lexeme = k.l AND p.token = k.t
                         GROUP BY 1, 2, 3, 4, 5
                         HAVING count(*) >= 4),
             gone AS (DELETE FROM public.chunk_postings p USING crowded c
                      WHERE p.merchant_id = c.merchant_id AND p.corpus_version = c.corpus_version
                        AND p.lexeme = c.lexeme AND p.token = c.token
                        AND app.postings_size_class(p.entries) = c.size_class
                      RETURNING p.merchant_id, p.corpus_version, p.lexeme, p.token, c.size_class, p.postings),
             lists AS (SELECT g.merchant_id, g.corpus_version, g.lexeme, g.token,
                              app.bm25_postings_merge(array_agg(g.postings)) AS postings
                       FROM gone g GROUP BY 1, 2, 3, 4, g.size_class)
        INSERT INTO public.chunk_postings (merchant_id, corpus_version, lexeme, token, entries, postings)
        SELECT l.merchant_id, l.corpus_version, l.lexeme, l.token, app.bm25_postings_count(l.postings), l.postings
        FROM lists l;
        GET DIAGNOSTICS merged = ROW_COUNT;
        EXIT WHEN merged = 0;
    END LOOP;
END
$$;

-- One function for the three triggers (transition tables are visible to this function's own
-- statements only). Removed: the chunks' entries leave every segment of their lexemes; segments
-- left empty are deleted. Added: one new segment per (merchant, version, lexeme, token), then
-- compaction of those keys. An UPDATE that leaves a row's version, tsvector and acl as they were
-- changes nothing.
-- A version deleted in the same transaction (its lists cascade away with it) is skipped.
CREATE FUNCTION app.maintain_postings() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    unchanged text := 'n.merchant_id = o.merchant_id AND n.id = o.id AND n.corpus_version = o.corpus_version '
                      'AND n.search_tsv = o.search_tsv AND n.acl = o.acl';
    removed text := CASE TG_OP
        WHEN 'DELETE' THEN 'SELECT merchant_id, corpus_version, id, search_tsv, acl FROM old_rows'
        WHEN 'UPDATE' THEN 'SELECT o.merchant_id, o.corpus_version, o.id, o.search_tsv, o.acl FROM old_rows o '
                           'WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE ' || unchanged || ')' END;
    added text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT merchant_id, corpus_version, id, search_tsv, acl FROM new_rows'
        WHEN 'UPDATE' THEN 'SELECT n.merchant_id, n.corpus_version, n.id, n.search_tsv, n.acl FROM new_rows n '
                           'WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE ' || unchanged || ')' END;
    merchants text[];
    versions integer[];
    lexemes text[];
    tokens text[];
BEGIN
    IF removed IS NOT NULL THEN
        EXECUTE 'WITH r AS (' || removed || '), '
             || 'ids AS (SELECT r.merchant_id, r.corpus_version, l.lexeme, k.token, array_agg(r.id) AS ids '
             || '        FROM r CROSS JOIN LATERAL pg_catalog.unnest(pg_catalog.tsvector_to_array(r.search_tsv)) AS l(lexeme) '
             || '        CROSS JOIN LATERAL (SELECT DISTINCT t FROM pg_catalog.unnest(r.acl) AS t) AS k(token) '
             || '        WHERE EXISTS (SELECT 1 FROM public.corpus_versions v '
             || '                      WHERE v.merchant_id = r.merchant_id AND v.version = r.corpus_version) '
             || '        GROUP BY 1, 2, 3, 4), '
             || 'kept AS (SELECT p.merchant_id, p.corpus_version, p.lexeme, p.token, p.segment, '
             || '                app.bm25_postings_without(p.postings, ids.ids) AS postings '
             || '         FROM ids JOIN public.chunk_postings p ON p.merchant_id = ids.merchant_id '
             || '          AND p.corpus_version = ids.corpus_version AND p.lexeme = ids.lexeme AND p.token = ids.token) '
             || 'UPDATE public.chunk_postings p SET postings = kept.postings, '
             || '       entries = app.bm25_postings_count(kept.postings) FROM kept '
             || 'WHERE p.merchant_id = kept.merchant_id AND p.corpus_version = kept.corpus_version '
             || '  AND p.lexeme = kept.lexeme AND p.token = kept.token AND p.segment = kept.segment';
        DELETE FROM public.chunk_postings p WHERE p.entries = 0;
    END IF;
    IF added IS NOT NULL THEN
        EXECUTE 'WITH a AS MATERIALIZED (SELECT merchant_id, corpus_version, id, search_tsv, acl, '
             || '                             app.tsvector_tokens(search_tsv) AS length FROM (' || added || ') AS s), '
             || 'lists AS (SELECT a.merchant_id, a.corpus_version, u.lexeme, k.token, '
             || '                 app.bm25_postings(array_agg(a.id ORDER BY a.id), '
             || '                     array_agg(greatest(coalesce(pg_catalog.cardinality(u.positions), 0), 1) ORDER BY a.id), '
             || '                     array_agg(a.length ORDER BY a.id)) AS postings '
             || '          FROM a CROSS JOIN LATERAL pg_catalog.unnest(a.search_tsv) AS u '
             || '          CROSS JOIN LATERAL (SELECT DISTINCT t FROM pg_catalog.unnest(a.acl) AS t) AS k(token) '
             || '          WHERE EXISTS (SELECT 1 FROM public.corpus_versions v '
             || '                        WHERE v.merchant_id = a.merchant_id AND v.version = a.corpus_version) '
             || '          GROUP BY 1, 2, 3, 4), '
             || 'inserted AS (INSERT INTO public.chunk_postings (merchant_id, corpus_version, lexeme, token, entries, postings) '
             || '             SELECT l.merchant_id, l.corpus_version, l.lexeme, l.token, app.bm25_postings_count(l.postings), '
             || '                    l.postings '
             || '             FROM lists l RETURNING merchant_id, corpus_version, lexeme, token) '
             || 'SELECT array_agg(merchant_id), array_agg(corpus_version), array_agg(lexeme), array_agg(token) FROM inserted'
            INTO merchants, versions, lexemes, tokens;
        IF merchants IS NOT NULL THEN
            PERFORM app.compact_postings(merchants, versions, lexemes, tokens);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- Fired after migration 018's per-merchant lock (trigger names order them: lock < postings).
CREATE TRIGGER chunks_lexical_postings_insert AFTER INSERT ON chunks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_postings();
CREATE TRIGGER chunks_lexical_postings_update AFTER UPDATE ON chunks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_postings();
CREATE TRIGGER chunks_lexical_postings_delete AFTER DELETE ON chunks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.maintain_postings();

-- What is already there: one segment per key.
INSERT INTO chunk_postings (merchant_id, corpus_version, lexeme, token, entries, postings)
SELECT l.merchant_id, l.corpus_version, l.lexeme, l.token, app.bm25_postings_count(l.postings), l.postings
FROM (SELECT c.merchant_id, c.corpus_version, u.lexeme, k.token,
             app.bm25_postings(array_agg(c.id ORDER BY c.id),
                               array_agg(greatest(coalesce(cardinality(u.positions), 0), 1) ORDER BY c.id),
                               array_agg(app.tsvector_tokens(c.search_tsv) ORDER BY c.id)) AS postings
      FROM chunks c CROSS JOIN LATERAL unnest(c.search_tsv) AS u
      CROSS JOIN LATERAL (SELECT DISTINCT t FROM unnest(c.acl) AS t) AS k(token)
      GROUP BY 1, 2, 3, 4) AS l;

-- The statement the leg runs: the $9 best-scored chunks of the lists of the tokens ($3), of those
-- the ones the tokens allow (all of them), best first, at most $10. $4 the query's
-- lexemes, $5 their idfs, $6 k1, $7 b, $8 avgdl. Each chunk is read by primary key (the LIMIT keeps
-- the planner from turning the lookups into a hash join over the whole partition).
CREATE FUNCTION app.bm25_postings_statement() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
RETURN 'WITH l AS (SELECT array_agg(p.postings ORDER BY u.term, p.segment) AS lists, '
    || '                  array_agg(u.term::integer ORDER BY u.term, p.segment) AS terms '
    || '           FROM unnest($4::text[]) WITH ORDINALITY AS u(lexeme, term) '
    || '           JOIN public.chunk_postings p ON p.merchant_id = $1 AND p.corpus_version = $2 AND p.lexeme = u.lexeme '
    || '                                        AND p.token = ANY ($3)), '
    || 't AS (SELECT t.id, t.score FROM l CROSS JOIN LATERAL app.bm25_top(l.lists, l.terms, $5, $6, $7, $8, $9) AS t), '
    || 'h AS (SELECT c.id, c.source_type, coalesce(c.document_id, c.ticket_id) AS source_id, c.chunk_index, '
    || '             c.heading_path, c.citation, c.chunk_text, c.acl, c.metadata, t.score '
    || '      FROM t CROSS JOIN LATERAL (SELECT * FROM public.chunks c WHERE c.merchant_id = $1 AND c.id = t.id '
    || '                                 AND c.corpus_version = $2 AND c.acl && $3 LIMIT 1) AS c '
    || '      ORDER BY t.score DESC, c.id LIMIT $10) '
    || 'SELECT coalesce(array_agg(h ORDER BY h.score DESC, h.id), ''{}'') FROM h';

-- Migration 013's term lookup as PL/pgSQL with EXECUTE: planned for the merchant and version at
-- hand. As a SQL function it was planned once for any parameters, and in the definer's calls that
-- plan hash-joined a parallel scan of every merchant's lexemes (40 ms at 1M chunks, against 0.2).
CREATE OR REPLACE FUNCTION app.bm25_terms(merchant text, version integer, query text, k1 real)
RETURNS TABLE (lexeme text, df bigint, idf double precision, bound double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RETURN QUERY EXECUTE
       'SELECT l.lexeme, s.chunks, w.idf::double precision, (w.idf * ($4 + 1))::double precision '
    || 'FROM pg_catalog.unnest(pg_catalog.tsvector_to_array(pg_catalog.to_tsvector(''pg_catalog.english'', $3))) AS l(lexeme) '
    || 'JOIN public.chunk_lexemes s ON s.merchant_id = $1 AND s.corpus_version = $2 AND s.lexeme = l.lexeme '
    || 'JOIN public.chunk_lexical_totals t ON t.merchant_id = $1 AND t.corpus_version = $2 '
    || 'CROSS JOIN LATERAL (SELECT pg_catalog.ln(1 + (t.chunks - s.chunks + 0.5) / (s.chunks + 0.5)) AS idf) AS w '
    || 'WHERE s.chunks > 0 '
    || 'ORDER BY w.idf DESC, l.lexeme'
        USING merchant, version, query, k1;
END
$$;

-- Migration 013's search, which scores every allowed match from its tsvector (MaxScore over the
-- GIN index), stays as the reference the postings are tested and benchmarked against, under a new
-- name; its grant to the definer role goes with it.
ALTER FUNCTION app.bm25_search(text[], text, integer, text, real, real, integer, integer, boolean) RENAME TO bm25_scan;

-- The search, signature and contract as in migration 013 (first_pass_rows is no longer used;
-- `searched` is every query lexeme, as all of them are scored). The lists of the caller's tokens
-- hold exactly the chunks those tokens allow, in the statement's snapshot, so the row_limit best
-- of them are the answer.
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
BEGIN
    hits := '{}';
    searched := '{}';
    SELECT t.tokens::double precision / greatest(t.chunks, 1) INTO avgdl
    FROM public.chunk_lexical_totals t WHERE t.merchant_id = merchant AND t.corpus_version = version;
    SELECT array_agg(q.lexeme), array_agg(q.idf) INTO lexemes, idfs FROM app.bm25_terms(merchant, version, query, k1) AS q;
    IF allowed IS NULL OR row_limit < 1 OR avgdl IS NULL OR lexemes IS NULL THEN
        RETURN;
    END IF;
    avgdl := greatest(avgdl, 1e-9);
    EXECUTE app.bm25_postings_statement() INTO hits
        USING merchant, version, allowed, lexemes, idfs, k1, b, avgdl, row_limit, row_limit;
    searched := lexemes;
    IF explain THEN
        EXECUTE 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ' || app.bm25_postings_statement() INTO plan
            USING merchant, version, allowed, lexemes, idfs, k1, b, avgdl, row_limit, row_limit;
    END IF;
END
$$;

REVOKE ALL ON FUNCTION app.compact_postings(text[], integer[], text[], text[]), app.maintain_postings(),
    app.postings_size_class(integer),
    app.bm25_postings_statement(), app.bm25_search(text[], text, integer, text, real, real, integer, integer, boolean)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.bm25_postings_statement(),
    app.bm25_search(text[], text, integer, text, real, real, integer, integer, boolean) TO agent_console_definer;
