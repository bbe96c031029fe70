-- Members' and servers' data rights (/me delete, /admin delete-data, the bot removed from a
-- server).
-- A contribution whose author asked for their data to be erased: its text is gone, its
-- author is ERASED_MEMBER (0, no Discord id), and it stays in the tree as a tombstone,
-- "removed at the author's request", so the replies under it keep their place.
ALTER TABLE contributions ADD COLUMN erased_at {timestamp};
-- Its message, and those of the replies naming its author, are redrawn through
-- message_version (migration 0020), as a moderator's removal is.
-- One row per server whose data is to be deleted: due 30 days after the bot was removed
-- (cancelled when it is invited back), or at once when a moderator asked. The deletion runs
-- in batches from the data-rights loop; ``rows_done`` / ``rows_total`` are its progress,
-- kept so a restart resumes it and the moderator's reply can say how far it got. The row
-- itself goes with the server's last batch.
CREATE TABLE data_deletions (
    guild_id       {snowflake} PRIMARY KEY,
    reason         TEXT    NOT NULL CHECK (reason IN ('removed', 'requested')),
    requested_by   {snowflake},
    due_at         {timestamp} NOT NULL,
    started_at     {timestamp},
    rows_done      INTEGER NOT NULL DEFAULT 0,
    rows_total     INTEGER,
    lease_owner    TEXT,
    lease_expires_at {timestamp},
    created_at     {timestamp} NOT NULL
);
CREATE INDEX data_deletions_due_idx ON data_deletions (due_at);
-- A server export under way (/admin export-data): its progress, and who holds it. An export
-- whose process stopped is found by its lapsed lease and reported as interrupted.
CREATE TABLE data_exports (
    id              {id},
    guild_id        {snowflake} NOT NULL,
    requested_by    {snowflake} NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'running'
                    CHECK (state IN ('running', 'done', 'interrupted', 'failed')),
    rows_done       INTEGER NOT NULL DEFAULT 0,
    rows_total      INTEGER,
    lease_owner     TEXT,
    lease_expires_at {timestamp},
    started_at      {timestamp} NOT NULL,
    finished_at     {timestamp}
);
CREATE INDEX data_exports_guild_idx ON data_exports (guild_id, id);
