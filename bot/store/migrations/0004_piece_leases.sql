-- Which bot process is publishing a piece right now (two processes on one database must not
-- both post it): a lease like the feeds', taken with a conditional UPDATE, renewed while
-- publishing runs and free to take over once it expires.
ALTER TABLE pieces ADD COLUMN lease_owner TEXT;
ALTER TABLE pieces ADD COLUMN lease_expires_at {timestamp};
