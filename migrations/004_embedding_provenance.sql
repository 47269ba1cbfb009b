-- Every chunk records which provider, model, dimensions and provider version produced its vector,
-- and every corpus version the provider version it was built with (issue 3).

ALTER TABLE corpus_versions
    ADD COLUMN embedding_version text NOT NULL DEFAULT '';

ALTER TABLE chunks
    ADD COLUMN embedding_provider text NOT NULL DEFAULT '',
    ADD COLUMN embedding_dims     integer NOT NULL DEFAULT 1536 CHECK (embedding_dims > 0),
    ADD COLUMN embedding_version  text NOT NULL DEFAULT '';
