-- Review before posting (issue 12). A feed subscription's review mode: NULL takes the
-- server's default; 'off' posts every piece at once, 'on' holds every piece for a
-- moderator, 'unsure' holds those the splitter is unsure of (bot/debate/review.py).
ALTER TABLE guild_settings ADD COLUMN review_mode TEXT NOT NULL DEFAULT 'off'
    CHECK (review_mode IN ('off', 'on', 'unsure'));
-- Where pieces wait for review. Review cannot be turned on without it.
ALTER TABLE guild_settings ADD COLUMN review_channel_id {snowflake};
ALTER TABLE subscriptions ADD COLUMN review_mode TEXT
    CHECK (review_mode IN ('off', 'on', 'unsure'));
-- A piece waiting for (or done with) review. It is not a piece yet: approval queues it, from
-- ``piece`` (its text and metadata, JSON) and ``draft`` (its split as the moderators left it,
-- JSON), and records the piece in ``piece_id``; the publisher takes it from there. ``version``
-- counts edits, so two moderators editing at once never overwrite each other's edit. The
-- review message and the one reminder are Discord side effects, recorded like a piece's.
CREATE TABLE reviews (
    id                 {id},
    guild_id           {snowflake} NOT NULL,
    channel_id         {snowflake} NOT NULL,
    subscription_id    {snowflake} REFERENCES subscriptions (id) ON DELETE SET NULL,
    url                TEXT    NOT NULL,
    piece              TEXT    NOT NULL,
    draft              TEXT    NOT NULL,
    cause              TEXT    NOT NULL,
    state              TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'approved', 'rejected')),
    version            INTEGER NOT NULL DEFAULT 0,
    review_channel_id  {snowflake},
    review_message_id  {snowflake},
    created_at         {timestamp} NOT NULL,
    reminded_at        {timestamp},
    decided_by         {snowflake},
    decided_at         {timestamp},
    note               TEXT,
    piece_id           {snowflake} REFERENCES pieces (id) ON DELETE SET NULL,
    UNIQUE (guild_id, channel_id, url)
);
CREATE INDEX reviews_state_idx ON reviews (state, created_at);
CREATE INDEX reviews_message_idx ON reviews (review_message_id);
