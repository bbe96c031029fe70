-- Window indexes for the weekly summary's contribution stats: the votes and awards given in
-- a week, read in time order per guild (covering, so no table lookups).
CREATE INDEX votes_window_idx ON votes (guild_id, target_kind, created_at, target_id, value);
CREATE INDEX awards_window_idx ON awards (guild_id, created_at, contribution_id);
