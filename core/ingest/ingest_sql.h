#pragma once

// The statements of the ingest write path. Sources and chunks are binary-COPYed into session
// temp tables, then merged set-based; all of it runs in one transaction per batch.
namespace ac::ingest::sql {

// One advisory lock per merchant corpus, held by ingests for their transaction (shared by batch
// writes, exclusive where the corpus itself changes) and by re-embeds across theirs: the four
// statements must name the same key.
inline constexpr const char* kLockCorpusForTransaction =
    "SELECT pg_advisory_xact_lock(hashtextextended('ac.corpus:' || $1, 0))";
inline constexpr const char* kLockCorpusSharedForTransaction =
    "SELECT pg_advisory_xact_lock_shared(hashtextextended('ac.corpus:' || $1, 0))";
inline constexpr const char* kLockCorpus = "SELECT pg_advisory_lock(hashtextextended('ac.corpus:' || $1, 0))";
inline constexpr const char* kUnlockCorpus = "SELECT pg_advisory_unlock(hashtextextended('ac.corpus:' || $1, 0))";

inline constexpr const char* kStagingExists = "SELECT to_regclass('pg_temp.ac_chunk_staging') IS NOT NULL";

// A batch of 2,000 chunks stages 10-20 MB; with the default 8 MB of temp_buffers it went through
// temporary files. Settable only before the session's first temporary table.
inline constexpr const char* kStagingBuffers = "SELECT set_config('temp_buffers', '64MB', false)";

inline constexpr const char* kCreateStaging = R"SQL(
CREATE TEMP TABLE IF NOT EXISTS ac_document_staging (
    id text PRIMARY KEY, title text NOT NULL, full_text text NOT NULL, category text, acl text[] NOT NULL,
    source_path text, content_hash text NOT NULL, chunk_count integer NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS ac_ticket_staging (
    id text PRIMARY KEY, customer_id text NOT NULL, order_number text, text text NOT NULL, status text NOT NULL,
    category text, acl text[] NOT NULL, created_at timestamptz, message_count integer NOT NULL,
    chunk_count integer NOT NULL
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS ac_message_staging (
    ticket_id text NOT NULL, seq integer NOT NULL, author text NOT NULL, body text NOT NULL, created_at timestamptz,
    PRIMARY KEY (ticket_id, seq)
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS ac_chunk_staging (
    source_type text NOT NULL, document_id text, ticket_id text, chunk_index integer NOT NULL, reuse_index integer,
    heading_path text NOT NULL, section text NOT NULL, citation text NOT NULL, chunk_text text NOT NULL,
    content_hash text NOT NULL, token_count integer NOT NULL, embedding vector, metadata jsonb NOT NULL,
    acl text[] NOT NULL
) ON COMMIT DELETE ROWS;
)SQL";

// Staging tables are never auto-analyzed; without statistics the planner may hash-join them against
// all of chunks instead of probing the unique index.
inline constexpr const char* kAnalyzeStaging =
    "ANALYZE ac_document_staging, ac_ticket_staging, ac_message_staging, ac_chunk_staging";

inline constexpr const char* kCopyDocuments =
    "COPY ac_document_staging (id, title, full_text, category, acl, source_path, content_hash, chunk_count) "
    "FROM STDIN (FORMAT binary)";
inline constexpr const char* kCopyTickets =
    "COPY ac_ticket_staging (id, customer_id, order_number, text, status, category, acl, created_at, message_count, "
    "chunk_count) FROM STDIN (FORMAT binary)";
inline constexpr const char* kCopyMessages =
    "COPY ac_message_staging (ticket_id, seq, author, body, created_at) FROM STDIN (FORMAT binary)";
inline constexpr const char* kCopyChunks =
    "COPY ac_chunk_staging (source_type, document_id, ticket_id, chunk_index, reuse_index, heading_path, section, "
    "citation, chunk_text, content_hash, token_count, embedding, metadata, acl) FROM STDIN (FORMAT binary)";

// $1 merchant. A source id owned by another merchant is refused, never moved.
inline constexpr const char* kForeignDocument =
    "SELECT s.id, d.merchant_id FROM ac_document_staging s JOIN support_documents d ON d.id = s.id "
    "WHERE d.merchant_id <> $1 LIMIT 1";
inline constexpr const char* kForeignTicket =
    "SELECT s.id, t.merchant_id FROM ac_ticket_staging s JOIN tickets t ON t.id = s.id "
    "WHERE t.merchant_id <> $1 LIMIT 1";

inline constexpr const char* kMergeDocuments = R"SQL(
INSERT INTO support_documents AS d (id, merchant_id, title, full_text, category, acl, source_path, content_hash)
SELECT s.id, $1, s.title, s.full_text, s.category, s.acl, s.source_path, s.content_hash FROM ac_document_staging s
ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, full_text = EXCLUDED.full_text, category = EXCLUDED.category,
    acl = EXCLUDED.acl, source_path = EXCLUDED.source_path, content_hash = EXCLUDED.content_hash, updated_at = now()
WHERE d.merchant_id = EXCLUDED.merchant_id
  AND (d.title, d.full_text, d.category, d.acl, d.source_path, d.content_hash)
      IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.full_text, EXCLUDED.category, EXCLUDED.acl, EXCLUDED.source_path,
                        EXCLUDED.content_hash)
)SQL";

inline constexpr const char* kMissingCustomer =
    "SELECT s.id, s.customer_id FROM ac_ticket_staging s "
    "WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.merchant_id = $1 AND c.id = s.customer_id) LIMIT 1";
inline constexpr const char* kCreateCustomers =
    "INSERT INTO customers (merchant_id, id, name) SELECT DISTINCT $1, s.customer_id, s.customer_id "
    "FROM ac_ticket_staging s ON CONFLICT DO NOTHING";

inline constexpr const char* kUpdateTickets = R"SQL(
UPDATE tickets t SET customer_id = s.customer_id, order_number = s.order_number, text = s.text, status = s.status,
    category = s.category, acl = s.acl, created_at = COALESCE(s.created_at, t.created_at), updated_at = now()
FROM ac_ticket_staging s
WHERE t.id = s.id AND t.merchant_id = $1
  AND ((t.customer_id, t.order_number, t.text, t.status, t.category, t.acl)
           IS DISTINCT FROM (s.customer_id, s.order_number, s.text, s.status, s.category, s.acl)
       OR (s.created_at IS NOT NULL AND s.created_at <> t.created_at))
)SQL";
inline constexpr const char* kInsertTickets = R"SQL(
INSERT INTO tickets (id, merchant_id, customer_id, order_number, text, status, category, acl, created_at)
SELECT s.id, $1, s.customer_id, s.order_number, s.text, s.status, s.category, s.acl, COALESCE(s.created_at, now())
FROM ac_ticket_staging s WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = s.id)
)SQL";
inline constexpr const char* kUpdateMessages = R"SQL(
UPDATE ticket_messages m SET author = s.author, body = s.body, created_at = COALESCE(s.created_at, m.created_at)
FROM ac_message_staging s
WHERE m.ticket_id = s.ticket_id AND m.seq = s.seq
  AND ((m.author, m.body) IS DISTINCT FROM (s.author, s.body)
       OR (s.created_at IS NOT NULL AND s.created_at <> m.created_at))
)SQL";
inline constexpr const char* kInsertMessages = R"SQL(
INSERT INTO ticket_messages (ticket_id, seq, author, body, created_at)
SELECT s.ticket_id, s.seq, s.author, s.body, COALESCE(s.created_at, now()) FROM ac_message_staging s
WHERE NOT EXISTS (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = s.ticket_id AND m.seq = s.seq)
)SQL";
inline constexpr const char* kDeleteExtraMessages =
    "DELETE FROM ticket_messages m USING ac_ticket_staging s WHERE m.ticket_id = s.id AND m.seq > s.message_count";

// $1 merchant, $2 corpus version, $3 model, $4 chunker version, $5 provider, $6 dims, $7 provider version.
// A staged chunk without a vector reuses the one stored at reuse_index (same content hash; the
// subqueries run only for such rows). Rows
// whose every column is unchanged are not rewritten.
inline constexpr const char* kMergeChunks = R"SQL(
INSERT INTO chunks AS c (merchant_id, corpus_version, source_type, document_id, ticket_id, chunk_index, heading_path,
    section, citation, chunk_text, content_hash, token_count, embedding, embedding_model, chunker_version, metadata,
    acl, embedding_provider, embedding_dims, embedding_version)
SELECT $1, $2, s.source_type, s.document_id, s.ticket_id, s.chunk_index, s.heading_path, s.section, s.citation,
    s.chunk_text, s.content_hash, s.token_count,
    COALESCE(s.embedding,
             (SELECT p.embedding FROM chunks p WHERE p.merchant_id = $1 AND p.document_id = s.document_id AND p.ticket_id IS NULL
                 AND p.corpus_version = $2 AND p.chunk_index = s.reuse_index AND p.content_hash = s.content_hash),
             (SELECT p.embedding FROM chunks p WHERE p.merchant_id = $1 AND p.document_id IS NULL AND p.ticket_id = s.ticket_id
                 AND p.corpus_version = $2 AND p.chunk_index = s.reuse_index AND p.content_hash = s.content_hash)),
    $3, $4, s.metadata, s.acl, $5, $6, $7
FROM ac_chunk_staging s
ON CONFLICT ON CONSTRAINT chunks_source_key DO UPDATE SET
    heading_path = EXCLUDED.heading_path, section = EXCLUDED.section, citation = EXCLUDED.citation,
    chunk_text = EXCLUDED.chunk_text, content_hash = EXCLUDED.content_hash, token_count = EXCLUDED.token_count,
    embedding = EXCLUDED.embedding, embedding_model = EXCLUDED.embedding_model,
    chunker_version = EXCLUDED.chunker_version, metadata = EXCLUDED.metadata, acl = EXCLUDED.acl,
    embedding_provider = EXCLUDED.embedding_provider, embedding_dims = EXCLUDED.embedding_dims,
    embedding_version = EXCLUDED.embedding_version, updated_at = now()
WHERE (c.heading_path, c.section, c.citation, c.chunk_text, c.content_hash, c.token_count,
       c.embedding_model, c.chunker_version, c.metadata, c.acl, c.embedding_provider, c.embedding_dims,
       c.embedding_version)
      IS DISTINCT FROM (EXCLUDED.heading_path, EXCLUDED.section, EXCLUDED.citation,
       EXCLUDED.chunk_text, EXCLUDED.content_hash, EXCLUDED.token_count, EXCLUDED.embedding_model,
       EXCLUDED.chunker_version, EXCLUDED.metadata, EXCLUDED.acl, EXCLUDED.embedding_provider,
       EXCLUDED.embedding_dims, EXCLUDED.embedding_version)
)SQL";

// $1 merchant, $2 corpus version: chunks a source no longer produces.
inline constexpr const char* kDeleteStaleDocumentChunks =
    "DELETE FROM chunks c USING ac_document_staging s WHERE c.merchant_id = $1 AND c.document_id = s.id "
    "AND c.ticket_id IS NULL AND c.corpus_version = $2 AND c.chunk_index >= s.chunk_count";
inline constexpr const char* kDeleteStaleTicketChunks =
    "DELETE FROM chunks c USING ac_ticket_staging s WHERE c.merchant_id = $1 AND c.document_id IS NULL "
    "AND c.ticket_id = s.id AND c.corpus_version = $2 AND c.chunk_index >= s.chunk_count";

// Statistics for the merchant's partition after a large load (migration 018).
inline constexpr const char* kAnalyzePartition = "SELECT app.analyze_chunk_partition($1)";

// Reuse planning: $1 merchant, $2 version, $3 model, $4 provider version, $5 source ids.
inline constexpr const char* kExistingDocumentHashes =
    "SELECT document_id, chunk_index, content_hash FROM chunks WHERE merchant_id = $1 AND corpus_version = $2 "
    "AND embedding_model = $3 AND embedding_version = $4 AND ticket_id IS NULL AND document_id = ANY ($5::text[])";
inline constexpr const char* kExistingTicketHashes =
    "SELECT ticket_id, chunk_index, content_hash FROM chunks WHERE merchant_id = $1 AND corpus_version = $2 "
    "AND embedding_model = $3 AND embedding_version = $4 AND document_id IS NULL AND ticket_id = ANY ($5::text[])";

} // namespace ac::ingest::sql
