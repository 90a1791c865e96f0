-- The training queue with BullMQ workers (server/jobs/queue-bullmq.ts): a merchant's "Retrain now" goes before
-- the schedule, and a running entry records which worker holds it and the train_runs id it reports to.
ALTER TABLE training_queue ADD COLUMN priority INTEGER NOT NULL DEFAULT 2;  -- BullMQ's order: 1 a merchant, 2 the schedule
ALTER TABLE training_queue ADD COLUMN worker TEXT;                          -- the worker running it, as it names itself
ALTER TABLE training_queue ADD COLUMN run_id INTEGER;                       -- its train_runs row in the shop's file
