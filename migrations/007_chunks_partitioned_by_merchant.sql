-- The retrieval rows, list-partitioned by merchant: one partition per merchant, each with its own
-- HNSW graph, tsvector GIN and btree. A tenant's vector search then walks a graph that holds only
-- that tenant's rows (with one shared graph a small tenant's filter kept ~1% of what the scan
-- visited, so HNSW either lost rows or gave way to an exact scan), and a query that names the
-- merchant, or runs under the agent policy, touches one partition (see docs/ARCHITECTURE.md).
--
-- Partitions follow merchants: inserting a merchant creates its partition (without blocking
-- retrieval), deleting one drops it (an offboarding step: that takes an exclusive lock on chunks
-- until the deleting transaction commits).
--
-- The agent policies on acl-carrying tables call arrayoverlap(acl, tokens) instead of the &&
-- operator: same check, same cost per row, but no index can take it. With the operator the
-- planner gave the policy's `acl && (SELECT ...)`, unknown at plan time, a default 1%
-- selectivity and ANDed in a GIN bitmap of every row the agent's tokens match. The query's own
-- `acl && $tokens` (a constant, estimated from statistics) still decides whether the acl index
-- pays off.

-- The same name for the same merchant, readable where it can be (shown in plans).
CREATE FUNCTION app.chunk_partition_name(merchant text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
RETURN CASE WHEN merchant ~ '^[a-z0-9_]{1,48}$' THEN 'chunks_m_' || merchant
            ELSE 'chunks_h_' || left(md5(merchant), 24) END;

-- Partitions live in the schema of their parent (a quoted body: resolved at call time, not bound
-- to the table that is called chunks while this migration runs).
CREATE FUNCTION app.chunks_schema() RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = 'chunks'::regclass $$;

-- CREATE TABLE ... PARTITION OF would hold an ACCESS EXCLUSIVE lock on chunks until the merchant's
-- transaction commits, stalling every retrieval meanwhile; a separate table attached afterwards
-- needs only SHARE UPDATE EXCLUSIVE, which readers and writers do not wait for. The indexes come
-- from the parent as the empty table is attached.
CREATE FUNCTION app.ensure_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF to_regclass(format('%I.%I', app.chunks_schema(), app.chunk_partition_name(merchant))) IS NULL THEN
        EXECUTE format('CREATE TABLE %I.%I (LIKE %I.chunks INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)',
                       app.chunks_schema(), app.chunk_partition_name(merchant), app.chunks_schema());
        EXECUTE format('ALTER TABLE %I.chunks ATTACH PARTITION %I.%I FOR VALUES IN (%L)',
                       app.chunks_schema(), app.chunks_schema(), app.chunk_partition_name(merchant), merchant);
    END IF;
END
$$;

CREATE FUNCTION app.drop_chunk_partition(merchant text) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('DROP TABLE IF EXISTS %I.%I', app.chunks_schema(), app.chunk_partition_name(merchant));
END
$$;

CREATE FUNCTION app.merchant_chunk_partition() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM app.ensure_chunk_partition(NEW.id);
    ELSE
        PERFORM app.drop_chunk_partition(OLD.id);
    END IF;
    RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION app.chunk_partition_name(text), app.chunks_schema(), app.ensure_chunk_partition(text),
    app.drop_chunk_partition(text), app.merchant_chunk_partition() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.chunk_partition_name(text) TO agent_console_agents;

-- The unpartitioned table steps aside; its rows move below.
ALTER TABLE chunks RENAME TO chunks_unpartitioned;
ALTER SEQUENCE chunks_id_seq RENAME TO chunks_unpartitioned_id_seq;
ALTER INDEX chunks_pkey RENAME TO chunks_unpartitioned_pkey;
ALTER INDEX chunks_source_key RENAME TO chunks_unpartitioned_source_key;
ALTER INDEX chunks_merchant_idx RENAME TO chunks_unpartitioned_merchant_idx;
ALTER INDEX chunks_acl_gin RENAME TO chunks_unpartitioned_acl_gin;
ALTER INDEX chunks_search_gin RENAME TO chunks_unpartitioned_search_gin;
ALTER INDEX chunks_metadata_gin RENAME TO chunks_unpartitioned_metadata_gin;
ALTER INDEX chunks_embedding_hnsw RENAME TO chunks_unpartitioned_embedding_hnsw;

-- Columns as in 001 and 004. Keys include the partition key, as PostgreSQL requires; chunk ids
-- stay unique through the identity sequence.
CREATE TABLE chunks (
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    merchant_id         text NOT NULL,
    corpus_version      integer NOT NULL,
    source_type         text NOT NULL CHECK (source_type IN ('document', 'ticket')),
    document_id         text REFERENCES support_documents (id) ON DELETE CASCADE,
    ticket_id           text REFERENCES tickets (id) ON DELETE CASCADE,
    chunk_index         integer NOT NULL CHECK (chunk_index >= 0),
    heading_path        text NOT NULL DEFAULT '',
    section             text NOT NULL DEFAULT '',
    citation            text NOT NULL,
    chunk_text          text NOT NULL,
    content_hash        text NOT NULL,
    token_count         integer NOT NULL,
    embedding           vector(1536) NOT NULL,
    embedding_model     text NOT NULL,
    chunker_version     text NOT NULL,
    metadata            jsonb NOT NULL DEFAULT '{}',
    acl                 text[] NOT NULL,
    search_tsv          tsvector GENERATED ALWAYS AS (
                            setweight(to_tsvector('english', heading_path), 'A')
                            || setweight(to_tsvector('english', chunk_text), 'B')) STORED,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    embedding_provider  text NOT NULL DEFAULT '',
    embedding_dims      integer NOT NULL DEFAULT 1536 CHECK (embedding_dims > 0),
    embedding_version   text NOT NULL DEFAULT '',
    CHECK ((source_type = 'document') = (document_id IS NOT NULL)),
    CHECK ((source_type = 'ticket') = (ticket_id IS NOT NULL)),
    CONSTRAINT chunks_pkey PRIMARY KEY (merchant_id, id),
    CONSTRAINT chunks_source_key UNIQUE NULLS NOT DISTINCT (merchant_id, document_id, ticket_id, corpus_version, chunk_index),
    FOREIGN KEY (merchant_id, corpus_version) REFERENCES corpus_versions (merchant_id, version) ON DELETE CASCADE
) PARTITION BY LIST (merchant_id);

CREATE INDEX chunks_merchant_idx ON chunks (merchant_id, corpus_version);
CREATE INDEX chunks_acl_gin ON chunks USING gin (acl);
CREATE INDEX chunks_search_gin ON chunks USING gin (search_tsv);
CREATE INDEX chunks_metadata_gin ON chunks USING gin (metadata jsonb_path_ops);
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);

SELECT app.ensure_chunk_partition(id) FROM merchants;

CREATE TRIGGER merchants_chunk_partition AFTER INSERT OR DELETE ON merchants
    FOR EACH ROW EXECUTE FUNCTION app.merchant_chunk_partition();

INSERT INTO chunks (id, merchant_id, corpus_version, source_type, document_id, ticket_id, chunk_index,
    heading_path, section, citation, chunk_text, content_hash, token_count, embedding, embedding_model,
    chunker_version, metadata, acl, created_at, updated_at, embedding_provider, embedding_dims,
    embedding_version)
OVERRIDING SYSTEM VALUE
SELECT id, merchant_id, corpus_version, source_type, document_id, ticket_id, chunk_index,
    heading_path, section, citation, chunk_text, content_hash, token_count, embedding, embedding_model,
    chunker_version, metadata, acl, created_at, updated_at, embedding_provider, embedding_dims,
    embedding_version
FROM chunks_unpartitioned;

SELECT setval(pg_get_serial_sequence('chunks', 'id'),
              greatest((SELECT max(id) FROM chunks_unpartitioned), 1),
              (SELECT max(id) FROM chunks_unpartitioned) IS NOT NULL);

DROP TABLE chunks_unpartitioned;

-- Privileges and row-level security as in 002, the acl check in its function form.
REVOKE ALL ON chunks FROM PUBLIC;
GRANT SELECT ON chunks TO agent_console_agents;
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY chunks_owner ON chunks TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE POLICY chunks_agent ON chunks FOR SELECT TO agent_console_agents
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND arrayoverlap(acl, (SELECT app.current_agent_tokens())));

ALTER POLICY support_documents_agent ON support_documents
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND arrayoverlap(acl, (SELECT app.current_agent_tokens())));
ALTER POLICY tickets_agent ON tickets
    USING (merchant_id = (SELECT app.current_agent_merchant())
           AND arrayoverlap(acl, (SELECT app.current_agent_tokens())));
