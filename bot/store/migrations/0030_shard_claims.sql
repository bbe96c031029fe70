-- Which bot process runs which shard of the bot's gateway connection, so two processes
-- configured with overlapping shards cannot both run (each would answer the same
-- interactions). A claim is a lease renewed by its process's heartbeat: given back on a clean
-- stop, taken over once it expires after a crash. ``shard_count`` is the total the process was
-- configured with; 0 means "every shard, as many as Discord recommends", which overlaps any
-- other claim.
CREATE TABLE shard_claims (
    shard_id     INTEGER NOT NULL PRIMARY KEY CHECK (shard_id >= 0),
    shard_count  INTEGER NOT NULL CHECK (shard_count >= 0),
    owner        TEXT    NOT NULL,
    claimed_at   {timestamp} NOT NULL,
    expires_at   {timestamp} NOT NULL
);
