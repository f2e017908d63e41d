-- Botkeel 0001: dedupe keys, conversation checkpoints, idempotency records.
-- Applied by migrate(pool, { schema }) inside one transaction with search_path set to the target
-- schema, so names here are unqualified. Times are timestamptz written from the caller's clock.

-- One row per dedupe key. 'claimed' rows hold a lease until lease_until; 'done' rows are remembered
-- until expires_at. A row whose expires_at has passed may be claimed again or deleted by cleanup.
CREATE TABLE botkeel_dedupe (
  key text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('claimed', 'done')),
  lease_until timestamptz,
  expires_at timestamptz NOT NULL,
  CONSTRAINT botkeel_dedupe_row_check CHECK ((state = 'claimed') = (lease_until IS NOT NULL))
);
CREATE INDEX botkeel_dedupe_expires_at_idx ON botkeel_dedupe (expires_at);

-- Every saved version of a thread's snapshot; the primary key makes the version compare-and-swap
-- race-free, and saves prune versions older than the configured history depth.
CREATE TABLE botkeel_checkpoints (
  thread_id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  machine_version integer NOT NULL,
  snapshot jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (thread_id, version)
);

-- Runs-once records: 'started' rows hold a lease owned by token; 'completed' rows keep the result
-- until expires_at.
CREATE TABLE botkeel_idempotency (
  key text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('started', 'completed')),
  token text,
  result text,
  lease_until timestamptz,
  expires_at timestamptz NOT NULL,
  CONSTRAINT botkeel_idempotency_row_check CHECK (
    (state = 'started' AND token IS NOT NULL AND lease_until IS NOT NULL AND result IS NULL)
    OR (state = 'completed' AND token IS NULL AND lease_until IS NULL AND result IS NOT NULL)
  )
);
CREATE INDEX botkeel_idempotency_expires_at_idx ON botkeel_idempotency (expires_at);
