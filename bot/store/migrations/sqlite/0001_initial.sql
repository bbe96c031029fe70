-- Counterpoint schema, SQLite dialect.
-- Timestamps are INTEGER microseconds since the Unix epoch, UTC: compact keys that keep the
-- summary indexes small and fast. Booleans are 0/1; snowflakes fit SQLite's 64-bit INTEGER.

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    moderator_role_id   INTEGER,
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    summary_channel_id  INTEGER,
    summary_weekday     INTEGER NOT NULL DEFAULT 6 CHECK (summary_weekday BETWEEN 0 AND 6),
    summary_hour        INTEGER NOT NULL DEFAULT 18 CHECK (summary_hour BETWEEN 0 AND 23),
    summary_enabled     INTEGER NOT NULL DEFAULT 1,
    min_counter_length  INTEGER CHECK (min_counter_length > 0),
    feed_limit          INTEGER CHECK (feed_limit >= 0),
    updated_at          INTEGER
);

CREATE TABLE feeds (
    id                    INTEGER PRIMARY KEY,
    url                   TEXT    NOT NULL UNIQUE,
    title                 TEXT,
    etag                  TEXT,
    last_modified         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    last_attempt_at       INTEGER,
    last_success_at       INTEGER,
    next_poll_at          INTEGER NOT NULL,
    paused                INTEGER NOT NULL DEFAULT 0,
    lease_owner           TEXT,
    lease_expires_at      INTEGER,
    created_at            INTEGER NOT NULL
);
CREATE INDEX feeds_due_idx ON feeds (next_poll_at, id) WHERE paused = 0;

CREATE TABLE subscriptions (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    feed_id          INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    mention_role_id  INTEGER,
    include_filters  TEXT    NOT NULL DEFAULT '[]',
    exclude_filters  TEXT    NOT NULL DEFAULT '[]',
    paused           INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (guild_id, channel_id, feed_id)
);
CREATE INDEX subscriptions_feed_idx ON subscriptions (feed_id, paused);

CREATE TABLE seen_entries (
    feed_id  INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (feed_id, key)
);
CREATE INDEX seen_entries_seen_at_idx ON seen_entries (seen_at);

CREATE TABLE pieces (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    subscription_id  INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    url              TEXT    NOT NULL,
    title            TEXT,
    author           TEXT,
    outlet           TEXT,
    thesis           TEXT    NOT NULL,
    conclusion       TEXT,
    announced_count  INTEGER,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'publishing', 'published', 'failed')),
    message_id       INTEGER,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    published_at     INTEGER,
    UNIQUE (guild_id, channel_id, url)
);
CREATE INDEX pieces_published_idx ON pieces (guild_id, published_at);
CREATE INDEX pieces_state_idx ON pieces (state, created_at);
CREATE INDEX pieces_message_idx ON pieces (message_id);
CREATE INDEX pieces_subscription_idx ON pieces (subscription_id);

CREATE TABLE arguments (
    id                  INTEGER PRIMARY KEY,
    piece_id            INTEGER NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    number              INTEGER NOT NULL CHECK (number >= 0),
    title               TEXT    NOT NULL,
    marker              TEXT,
    text                TEXT    NOT NULL,
    anchor_message_id   INTEGER,
    thread_id           INTEGER,
    opening_message_id  INTEGER,
    posted_at           INTEGER,
    UNIQUE (piece_id, number)
);
CREATE INDEX arguments_thread_idx ON arguments (thread_id);

CREATE TABLE contributions (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    argument_id   INTEGER NOT NULL REFERENCES arguments (id) ON DELETE CASCADE,
    parent_id     INTEGER REFERENCES contributions (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('counter', 'rebuttal')),
    author_id     INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    message_id    INTEGER,
    created_at    INTEGER NOT NULL,
    edited_at     INTEGER,
    withdrawn_at  INTEGER,
    CHECK ((kind = 'counter') = (parent_id IS NULL))
);
CREATE INDEX contributions_argument_idx ON contributions (argument_id, created_at);
CREATE INDEX contributions_parent_idx ON contributions (parent_id);
CREATE INDEX contributions_message_idx ON contributions (message_id);
CREATE INDEX contributions_window_idx ON contributions (guild_id, created_at, author_id);
CREATE INDEX contributions_author_idx ON contributions (guild_id, author_id, created_at);

CREATE TABLE contribution_edits (
    id               INTEGER PRIMARY KEY,
    contribution_id  INTEGER NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    previous_body    TEXT    NOT NULL,
    edited_by        INTEGER NOT NULL,
    edited_at        INTEGER NOT NULL
);
CREATE INDEX contribution_edits_idx ON contribution_edits (contribution_id, id);

-- One row per member and target; tallies are always counted from these rows.
-- guild_id and argument_id are copied from the target (immutable) so that summary queries
-- need no joins through contributions and pieces.
CREATE TABLE votes (
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('argument', 'contribution')),
    target_id    INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    value        INTEGER NOT NULL CHECK (value IN (1, -1)),
    guild_id     INTEGER NOT NULL,
    argument_id  INTEGER NOT NULL REFERENCES arguments (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (target_kind, target_id, member_id)
);
CREATE INDEX votes_tally_idx ON votes (target_kind, target_id, value, created_at);
CREATE INDEX votes_member_idx ON votes (guild_id, member_id, updated_at);
CREATE INDEX votes_argument_idx ON votes (argument_id);

CREATE TABLE awards (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    member_id        INTEGER NOT NULL,
    contribution_id  INTEGER NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    reason           TEXT,
    created_at       INTEGER NOT NULL,
    UNIQUE (contribution_id, member_id)
);
CREATE INDEX awards_member_idx ON awards (guild_id, member_id, created_at);

CREATE TABLE moderation_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT,
    details     TEXT,
    created_at  INTEGER NOT NULL
);
CREATE INDEX moderation_log_guild_idx ON moderation_log (guild_id, id);

CREATE TABLE summary_posts (
    guild_id    INTEGER NOT NULL,
    iso_week    TEXT    NOT NULL,
    message_id  INTEGER,
    claimed_at  INTEGER NOT NULL,
    posted_at   INTEGER,
    PRIMARY KEY (guild_id, iso_week)
);

-- Who has ever taken part in a guild's debates, and since when: one row per member, written
-- with each vote, contribution and award. Lets the weekly summary find participants by
-- probing per member instead of de-duplicating every vote of the week.
CREATE TABLE participants (
    guild_id         INTEGER NOT NULL,
    member_id        INTEGER NOT NULL,
    first_active_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
