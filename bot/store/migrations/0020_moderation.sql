-- Moderation (issue 12): removal and restore of contributions, locked debates, where
-- moderators hear from the bot, and a moderation log that can be filtered and mirrored to a
-- channel.

-- A contribution removed by a moderator stays in the record (nothing is deleted): who removed
-- it, when and why. Its votes leave the tallies while removed_at is set.
ALTER TABLE contributions ADD COLUMN removed_at {timestamp};
ALTER TABLE contributions ADD COLUMN removed_by {snowflake};
ALTER TABLE contributions ADD COLUMN removal_reason TEXT;
-- The message showing a contribution must be redrawn (tombstone, or back from one) while
-- shown_version < message_version: bumped in the transaction that removes or restores it,
-- caught up once the edit reached Discord, so a restart finishes an edit it was cut short in.
ALTER TABLE contributions ADD COLUMN message_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contributions ADD COLUMN shown_version INTEGER NOT NULL DEFAULT 0;
-- The summaries count live contributions from covering indexes; live now also means not
-- removed, so the indexes carry removed_at (replacing those of 0003).
DROP INDEX IF EXISTS contributions_live_idx;
CREATE INDEX contributions_live_removed_idx ON contributions (argument_id, withdrawn_at, removed_at, created_at, kind);
DROP INDEX IF EXISTS contributions_guild_live_idx;
CREATE INDEX contributions_guild_live_removed_idx ON contributions (guild_id, withdrawn_at, removed_at, id, created_at);
CREATE INDEX contributions_redraw_idx ON contributions (guild_id, id) WHERE shown_version < message_version;

-- A locked argument takes no new counterarguments or rebuttals; its votes are kept.
ALTER TABLE arguments ADD COLUMN locked_at {timestamp};
ALTER TABLE arguments ADD COLUMN locked_by {snowflake};
ALTER TABLE arguments ADD COLUMN lock_reason TEXT;

-- Where moderators hear from the bot (pause and permission notices, reviews) and where the
-- moderation log is mirrored.
ALTER TABLE guild_settings ADD COLUMN moderators_channel_id {snowflake};
ALTER TABLE guild_settings ADD COLUMN modlog_channel_id {snowflake};

-- The log's filters: the member an action concerns (a removed contribution's author, say)
-- and the piece it is about. post_channel_id: the log channel when the entry was written
-- (copied from the settings), posted_message_id once it is posted there.
ALTER TABLE moderation_log ADD COLUMN member_id {snowflake};
ALTER TABLE moderation_log ADD COLUMN piece_id {snowflake};
ALTER TABLE moderation_log ADD COLUMN post_channel_id {snowflake};
ALTER TABLE moderation_log ADD COLUMN posted_message_id {snowflake};
CREATE INDEX moderation_log_unposted_idx ON moderation_log (id) WHERE post_channel_id IS NOT NULL AND posted_message_id IS NULL;
