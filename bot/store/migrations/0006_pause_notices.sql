-- A feed's auto-pause notice still owed to a subscribed channel: the error to report, set in
-- the same transaction that pauses the feed and cleared once delivered (or the feed resumed),
-- so a notice that failed to post, or a crash right after pausing, is retried, not lost.
ALTER TABLE subscriptions ADD COLUMN pause_notice TEXT;
