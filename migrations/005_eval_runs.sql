-- Retrieval-quality runs (ragctl eval): what data, what stack and settings, what came out, so two
-- configurations are compared from the log instead of from memory. The JSON file written beside
-- each run holds the same document as `run`.
CREATE TABLE eval_runs (
    id                  text PRIMARY KEY,
    started_at          timestamptz NOT NULL,
    dataset_name        text NOT NULL,
    dataset_hash        text NOT NULL,
    embedding_provider  text NOT NULL,
    embedding_model     text NOT NULL,
    embedding_dims      integer NOT NULL,
    chunker_version     text NOT NULL,
    run                 jsonb NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eval_runs_dataset_idx ON eval_runs (dataset_hash, started_at DESC);
