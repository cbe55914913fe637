-- Counselors authenticate with a bearer token; only its SHA-256 is stored.
CREATE TABLE counselors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- A session keeps the exact scenario text it started on, so editing or removing the file later
-- never breaks it. `seq` orders sessions newest first.
CREATE TABLE sessions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner INTEGER NOT NULL REFERENCES counselors (id),
    scenario_id TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    scenario_source TEXT NOT NULL,
    seed INTEGER NOT NULL,
    label TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_owner ON sessions (owner, seq);

-- The append-only log: one row per reply or undo. (session_id, seq) is unique, so two writers
-- racing for the same position cannot both succeed.
CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('choice', 'text', 'undo')),
    choice INTEGER,
    text TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
);
