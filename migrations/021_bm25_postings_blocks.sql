-- Postings lists in blocks of bit-packed columns (issue 14). The first format stored three
-- varints an entry; decoding them, a branch an entry on each value's length, cost 4-5 ns and was
-- most of the lexical leg's time for the staff agent's broadest queries at 1M chunks (about
-- 1 M entries, p95 5.7 ms). Blocks of 128 entries store each value at the width of the block's
-- largest: about 1 ns an entry, and about half the bytes. The extension reads only the new format
-- (a list of the old one is refused as not in its format), so the lists are rebuilt here, in the
-- same way migration 020 first built them. Nothing else changes: the keys, the triggers and the
-- search are migration 020's.

-- One merchant and version at a time, each chunk's length computed before the sort (OFFSET 0): sorting every (chunk,
-- lexeme) pair of the database with its chunk's tsvector beside it took over 60 GB of temporary
-- files at 1M chunks.
TRUNCATE chunk_postings;

DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT merchant_id, version FROM corpus_versions ORDER BY 1, 2 LOOP
        INSERT INTO chunk_postings (merchant_id, corpus_version, lexeme, token, entries, postings)
        SELECT v.merchant_id, v.version, l.lexeme, l.token, app.bm25_postings_count(l.postings), l.postings
        FROM (SELECT u.lexeme, k.token,
                     app.bm25_postings(array_agg(c.id ORDER BY c.id),
                                       array_agg(greatest(coalesce(cardinality(u.positions), 0), 1) ORDER BY c.id),
                                       array_agg(c.length ORDER BY c.id)) AS postings
              FROM (SELECT id, acl, search_tsv, app.tsvector_tokens(search_tsv) AS length FROM chunks
                    WHERE merchant_id = v.merchant_id AND corpus_version = v.version OFFSET 0) AS c
              CROSS JOIN LATERAL unnest(c.search_tsv) AS u
              CROSS JOIN LATERAL (SELECT DISTINCT t FROM unnest(c.acl) AS t) AS k(token)
              GROUP BY 1, 2) AS l;
    END LOOP;
END
$$;
