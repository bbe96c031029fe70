-- Weekly summary at scale (bench/summary.py: 500k votes, 20k counters, 1k arguments).

-- argument_stats counts each argument's live contributions by kind from this index alone.
CREATE INDEX contributions_live_idx ON contributions (argument_id, withdrawn_at, created_at, kind);

-- contribution_stats reads a guild's live contributions in an id range (index-only); SQLite
-- walks them in id order (covering), probing each one's votes in votes_tally_idx in the same
-- order: no sort of the week's votes.
CREATE INDEX contributions_guild_live_idx ON contributions (guild_id, withdrawn_at, id, created_at);

-- The window index of votes only served the old contribution_stats; every vote paid for it.
DROP INDEX IF EXISTS votes_window_idx;
{sqlite:
-- participation walks a guild's participants and probes votes_member_idx per member: keyed
-- WITHOUT ROWID, the walk runs in member order, so consecutive probes land on neighbouring
-- index pages (and a vote's upsert writes one b-tree instead of a table and its key index).
CREATE TABLE participants_by_member (
    guild_id         INTEGER NOT NULL,
    member_id        INTEGER NOT NULL,
    first_active_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;
INSERT INTO participants_by_member (guild_id, member_id, first_active_at)
    SELECT guild_id, member_id, first_active_at FROM participants;
DROP TABLE participants;
ALTER TABLE participants_by_member RENAME TO participants;
}
