-- A locked or unlocked debate says so in its thread: lock_version counts the locks and
-- unlocks, lock_shown the last one announced there, so a notice cut short by a restart is
-- posted by the next start (once: its nonce is the argument and the version).
ALTER TABLE arguments ADD COLUMN lock_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE arguments ADD COLUMN lock_shown INTEGER NOT NULL DEFAULT 0;
CREATE INDEX arguments_lock_notice_idx ON arguments (id) WHERE lock_shown < lock_version;
