-- The training queue (server/jobs/queue-in-process.ts): one row per shop waiting for a trainer or training,
-- so a restarted server resumes what was queued and retries what it was running.
CREATE TABLE training_queue (
  shop        TEXT PRIMARY KEY,                 -- a shop is queued at most once
  seq         INTEGER NOT NULL UNIQUE,          -- order of arrival: the lowest waiting one runs next
  state       TEXT NOT NULL CHECK (state IN ('queued', 'running')),
  attempts    INTEGER NOT NULL DEFAULT 0,       -- runs started for this entry (an interrupted one is retried once)
  queued_at   TEXT NOT NULL
);
