-- Staff sign-in (issue 13): e-mail and password, sessions in a cookie, rate-limited attempts,
-- and airline staff scoped to one airline. Staff keys (ss_…) keep working beside sessions.

-- email: lower-cased, unique, NULL for a key-only user. password_hash: the whole encoding
-- (pbkdf2-sha256$<iterations>$<salt>$<hash>), NULL when the user cannot sign in with one.
ALTER TABLE staff_users ADD COLUMN email text
  CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1);
ALTER TABLE staff_users ADD COLUMN password_hash text CHECK (password_hash LIKE 'pbkdf2-sha256$%');
ALTER TABLE staff_users ADD COLUMN merchant_id uuid REFERENCES merchants (id);
ALTER TABLE staff_users ADD COLUMN disabled_at timestamptz;
ALTER TABLE staff_users ADD COLUMN password_changed_at timestamptz;
CREATE UNIQUE INDEX staff_users_email ON staff_users (email);
ALTER TABLE staff_users ADD CONSTRAINT staff_users_password_needs_email
  CHECK (password_hash IS NULL OR email IS NOT NULL);

-- 'airline': an airline's own operators, who see that airline only (merchant_id); the
-- gateway's staff (admin, accountant, support) belong to no airline.
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check
  CHECK (role IN ('admin', 'accountant', 'support', 'airline'));
ALTER TABLE staff_users ADD CONSTRAINT staff_users_airline_scope
  CHECK ((role = 'airline') = (merchant_id IS NOT NULL));

-- One row per sign-in. The token lives only in the browser's cookie: id is its SHA-256 (hex).
-- The CSRF token is derived from the session token (HMAC), so nothing of it is stored either.
-- A session is valid until revoked_at, expires_at (absolute: created_at + staff.session_max_hours)
-- or last_seen_at + staff.session_idle_minutes, whichever comes first; last_seen_at slides on
-- use, written at most once a minute. Times come from the instance clock (clock.offset_seconds).
CREATE TABLE staff_sessions (
  id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  staff_id     uuid NOT NULL REFERENCES staff_users (id),
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  ip           text NOT NULL DEFAULT '',
  user_agent   text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 300)
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id) WHERE revoked_at IS NULL;
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

-- Every password check (sign-in, password change), for the rate limits: failures per e-mail
-- (since its last success) and per address within a window. Purged after a day.
CREATE TABLE sign_in_attempts (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL,
  email     text NOT NULL,
  ip        text NOT NULL,
  succeeded boolean NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_ip ON sign_in_attempts (ip, at) WHERE NOT succeeded;
