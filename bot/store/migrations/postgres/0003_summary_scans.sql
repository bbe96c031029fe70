-- Weekly summary at scale (bench/summary.py: 500k votes, 20k counters, 1k arguments).

-- argument_stats counts each argument's live contributions by kind from this index alone.
CREATE INDEX contributions_live_idx ON contributions (argument_id, withdrawn_at, created_at, kind);

-- contribution_stats reads a guild's live contributions in an id range (index-only).
CREATE INDEX contributions_guild_live_idx ON contributions (guild_id, withdrawn_at, id, created_at);

-- The window index of votes only served the old contribution_stats; every vote paid for it.
DROP INDEX IF EXISTS votes_window_idx;
