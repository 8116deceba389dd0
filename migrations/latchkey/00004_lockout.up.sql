-- Latchkey migration 4: per-account lockout after wrong passwords and one-time codes.
-- One row per (kind, account): `failures` counts attempts since the last success (each attempt is
-- counted before its answer is checked, so simultaneous attempts cannot slip past the limit), and
-- `locked_until` is set once they reach AUTH_LOCKOUT_MAX_FAILURES. Accounts are whatever the
-- caller names (a lower-cased e-mail, a user id): unknown e-mails get rows too, so a locked, an
-- unknown and a wrong answer cannot be told apart.
CREATE SCHEMA IF NOT EXISTS latchkey;

CREATE TABLE latchkey.lockouts (
  kind text NOT NULL,
  account text NOT NULL,
  failures integer NOT NULL,
  last_failure_at timestamp with time zone NOT NULL,
  locked_until timestamp with time zone,
  CONSTRAINT lockouts_pkey PRIMARY KEY (kind, account)
);

CREATE INDEX lockouts_last_failure_at_idx ON latchkey.lockouts (last_failure_at);
