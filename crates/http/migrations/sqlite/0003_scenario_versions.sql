-- Sessions started on the same scenario version share its text, stored once: a new session then
-- writes one short row instead of the whole scenario again.
CREATE TABLE scenario_versions (
    hash TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL,
    source TEXT NOT NULL
);
INSERT INTO scenario_versions (hash, scenario_id, source)
    SELECT scenario_hash, MIN(scenario_id), MIN(scenario_source) FROM sessions GROUP BY scenario_hash;
ALTER TABLE sessions DROP COLUMN scenario_source;
