-- Why a delivery was recorded as unreadable (its shape, an id beyond 2^53, a value the database refused), so an
-- acknowledged-but-not-stored webhook can be explained later. NULL for every other outcome.
ALTER TABLE webhook_receipts ADD COLUMN reason TEXT;
