-- Agent Console core schema: normalised merchant data (ACID side) and the denormalised retrieval
-- rows (chunks) that carry everything the hot query filters on.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE merchants (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    plan        text NOT NULL CHECK (plan IN ('starter', 'pro', 'enterprise')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- An agent reads a chunk or ticket when its acl_tokens overlap the row's acl (user ids and role
-- or topic tokens such as 'role:staff', 'topic:refund').
CREATE TABLE agents (
    id            text PRIMARY KEY,
    merchant_id   text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    display_name  text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('staff', 'contractor')),
    acl_tokens    text[] NOT NULL CHECK (cardinality(acl_tokens) > 0),
    db_role       name UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_merchant_idx ON agents (merchant_id);

CREATE TABLE customers (
    merchant_id  text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    id           text NOT NULL,
    name         text NOT NULL,
    email        text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (merchant_id, id)
);

CREATE TABLE orders (
    merchant_id          text NOT NULL,
    order_number         text NOT NULL,
    customer_id          text NOT NULL,
    status               text NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'returned')),
    refund_state         text NOT NULL DEFAULT 'none'
                         CHECK (refund_state IN ('none', 'requested', 'approved', 'issued', 'completed', 'rejected')),
    total_cents          bigint NOT NULL CHECK (total_cents >= 0),
    currency             text NOT NULL DEFAULT 'USD',
    ordered_at           timestamptz NOT NULL,
    shipped_at           timestamptz,
    delivered_at         timestamptz,
    refund_requested_at  timestamptz,
    refund_issued_at     timestamptz,
    PRIMARY KEY (merchant_id, order_number),
    FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX orders_customer_idx ON orders (merchant_id, customer_id, ordered_at DESC);

CREATE TABLE order_items (
    merchant_id       text NOT NULL,
    order_number      text NOT NULL,
    line_no           integer NOT NULL,
    sku               text NOT NULL,
    description       text NOT NULL,
    quantity          integer NOT NULL CHECK (quantity > 0),
    unit_price_cents  bigint NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (merchant_id, order_number, line_no),
    FOREIGN KEY (merchant_id, order_number) REFERENCES orders (merchant_id, order_number) ON DELETE CASCADE
);

CREATE TABLE support_documents (
    id            text PRIMARY KEY,
    merchant_id   text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    title         text NOT NULL,
    full_text     text NOT NULL,
    category      text,
    acl           text[] NOT NULL,
    source_path   text,
    content_hash  text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_documents_merchant_idx ON support_documents (merchant_id);

CREATE TABLE tickets (
    id            text PRIMARY KEY,
    merchant_id   text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    customer_id   text NOT NULL,
    order_number  text,
    text          text NOT NULL,  -- the customer's opening message, as in the seed
    status        text NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    category      text,
    acl           text[] NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id)
);
CREATE INDEX tickets_customer_idx ON tickets (merchant_id, customer_id, created_at DESC);
CREATE INDEX tickets_order_idx ON tickets (merchant_id, order_number);
CREATE INDEX tickets_acl_gin ON tickets USING gin (acl);

CREATE TABLE ticket_messages (
    ticket_id   text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 1),
    author      text NOT NULL CHECK (author IN ('customer', 'agent')),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, seq)
);

-- One embedding space per merchant and version. Retrieval reads only the live version; a
-- re-embed builds the next version beside it and switches in one transaction.
CREATE TABLE corpus_versions (
    merchant_id         text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
    version             integer NOT NULL CHECK (version >= 1),
    embedding_provider  text NOT NULL,
    embedding_model     text NOT NULL,
    embedding_dims      integer NOT NULL CHECK (embedding_dims > 0),
    chunker_version     text NOT NULL,
    state               text NOT NULL CHECK (state IN ('building', 'live', 'retired')),
    created_at          timestamptz NOT NULL DEFAULT now(),
    activated_at        timestamptz,
    PRIMARY KEY (merchant_id, version)
);
CREATE UNIQUE INDEX corpus_versions_one_live ON corpus_versions (merchant_id) WHERE state = 'live';

-- The retrieval rows: documents and tickets alike, with merchant_id, acl and metadata copied in so
-- the vector, lexical and permission filters all run on one table.
CREATE TABLE chunks (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant_id      text NOT NULL,
    corpus_version   integer NOT NULL,
    source_type      text NOT NULL CHECK (source_type IN ('document', 'ticket')),
    document_id      text REFERENCES support_documents (id) ON DELETE CASCADE,
    ticket_id        text REFERENCES tickets (id) ON DELETE CASCADE,
    chunk_index      integer NOT NULL CHECK (chunk_index >= 0),
    heading_path     text NOT NULL DEFAULT '',
    section          text NOT NULL DEFAULT '',
    citation         text NOT NULL,
    chunk_text       text NOT NULL,
    content_hash     text NOT NULL,
    token_count      integer NOT NULL,
    embedding        vector(1536) NOT NULL,
    embedding_model  text NOT NULL,
    chunker_version  text NOT NULL,
    metadata         jsonb NOT NULL DEFAULT '{}',
    acl              text[] NOT NULL,
    search_tsv       tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('english', heading_path), 'A')
                         || setweight(to_tsvector('english', chunk_text), 'B')) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((source_type = 'document') = (document_id IS NOT NULL)),
    CHECK ((source_type = 'ticket') = (ticket_id IS NOT NULL)),
    CONSTRAINT chunks_source_key UNIQUE NULLS NOT DISTINCT (document_id, ticket_id, corpus_version, chunk_index),
    FOREIGN KEY (merchant_id, corpus_version) REFERENCES corpus_versions (merchant_id, version) ON DELETE CASCADE
);

CREATE INDEX chunks_merchant_idx ON chunks (merchant_id, corpus_version);
CREATE INDEX chunks_acl_gin ON chunks USING gin (acl);
CREATE INDEX chunks_search_gin ON chunks USING gin (search_tsv);
CREATE INDEX chunks_metadata_gin ON chunks USING gin (metadata jsonb_path_ops);
-- Vectors are unit-normalised at ingest; the opclass matches the <=> operator the query uses.
CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
