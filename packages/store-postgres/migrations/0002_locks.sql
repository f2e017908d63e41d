-- Botkeel 0002: leased locks with fencing tokens.
-- Fencing tokens come from one sequence, so they keep increasing per key even after cleanup deletes
-- a released or expired row.
CREATE SEQUENCE botkeel_lock_fencing AS bigint;

CREATE TABLE botkeel_locks (
  key text PRIMARY KEY,
  token text NOT NULL,
  fencing_token bigint NOT NULL DEFAULT nextval('botkeel_lock_fencing'),
  expires_at timestamptz NOT NULL
);
ALTER SEQUENCE botkeel_lock_fencing OWNED BY botkeel_locks.fencing_token;
CREATE INDEX botkeel_locks_expires_at_idx ON botkeel_locks (expires_at);
