-- The BM25 leg reads the search_tsv of every chunk that matches a searched lexeme (issue 14). Under
-- the type's default storage (EXTENDED) a compressed tsvector still moves out of line when its row
-- is over TOAST's 2 kB threshold: about a third of the rows of a benchmark tenant, whose every read
-- is then a TOAST index lookup and heap fetch (1.4 buffer reads a matching chunk on average).
-- MAIN keeps the compressed tsvector in the row unless the row cannot fit a page at all. Ranking
-- one term's 9,333 matches in a 30,000-chunk tenant took 16-20 ms on a copy stored so, against
-- 33-54 ms as stored before (BENCHMARKS.md). The embedding stays out of line (EXTERNAL), so rows
-- grow by the tsvector only.
--
-- ALTER TABLE recurses to the partitions; rows already stored keep their layout until they are
-- written again (a load of changed documents, a re-embed, or VACUUM FULL of the partition).
-- New partitions copy the parent's storage.

ALTER TABLE chunks ALTER COLUMN search_tsv SET STORAGE MAIN;

CREATE OR REPLACE FUNCTION app.ensure_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    dims integer;
BEGIN
    IF to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.chunks INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS '
                       'INCLUDING STORAGE)',
                       app.chunks_schema(), app.chunk_partition_name(merchant), app.chunks_schema());
        FOR dims IN SELECT app.merchant_dims(merchant) LOOP
            PERFORM app.create_chunk_graph(merchant, dims);
        END LOOP;
        EXECUTE format('ALTER TABLE %I.chunks ATTACH PARTITION %I.%I FOR VALUES IN (%L)',
                       app.chunks_schema(), app.chunks_schema(), app.chunk_partition_name(merchant), merchant);
    END IF;
END
$$;
