-- The message that pinged a feed subscription's role about a piece: a publishing step like
-- the card, recorded so a restart neither skips the ping nor sends it twice.
ALTER TABLE pieces ADD COLUMN ping_message_id {snowflake};
