-- Counterpoint schema. Written once for both dialects; bot/store/schema.py fills in the words
-- in braces. PostgreSQL: snowflakes are BIGINT, timestamps timestamptz. SQLite: timestamps
-- are INTEGER microseconds since the Unix epoch, UTC (compact keys that keep the summary
-- indexes small and fast), booleans 0/1, snowflakes fit its 64-bit INTEGER.

CREATE TABLE guild_settings (
    guild_id            {snowflake} PRIMARY KEY,
    moderator_role_id   {snowflake},
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    summary_channel_id  {snowflake},
    summary_weekday     INTEGER NOT NULL DEFAULT 6 CHECK (summary_weekday BETWEEN 0 AND 6),
    summary_hour        INTEGER NOT NULL DEFAULT 18 CHECK (summary_hour BETWEEN 0 AND 23),
    summary_enabled     {boolean} NOT NULL DEFAULT {true},
    min_counter_length  INTEGER CHECK (min_counter_length > 0),
    feed_limit          INTEGER CHECK (feed_limit >= 0),
    updated_at          {timestamp}
);

CREATE TABLE feeds (
    id                    {id},
    url                   TEXT    NOT NULL UNIQUE,
    title                 TEXT,
    etag                  TEXT,
    last_modified         TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_error            TEXT,
    last_attempt_at       {timestamp},
    last_success_at       {timestamp},
    next_poll_at          {timestamp} NOT NULL,
    paused                {boolean} NOT NULL DEFAULT {false},
    lease_owner           TEXT,
    lease_expires_at      {timestamp},
    created_at            {timestamp} NOT NULL
);
CREATE INDEX feeds_due_idx ON feeds (next_poll_at, id) WHERE {sqlite: paused = 0}{postgres: NOT paused};

CREATE TABLE subscriptions (
    id               {id},
    guild_id         {snowflake} NOT NULL,
    channel_id       {snowflake} NOT NULL,
    feed_id          {snowflake} NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    mention_role_id  {snowflake},
    include_filters  TEXT    NOT NULL DEFAULT '[]',
    exclude_filters  TEXT    NOT NULL DEFAULT '[]',
    paused           {boolean} NOT NULL DEFAULT {false},
    created_by       {snowflake} NOT NULL,
    created_at       {timestamp} NOT NULL,
    UNIQUE (guild_id, channel_id, feed_id)
);
CREATE INDEX subscriptions_feed_idx ON subscriptions (feed_id, paused);

CREATE TABLE seen_entries (
    feed_id  {snowflake} NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    key      TEXT    NOT NULL,
    seen_at  {timestamp} NOT NULL,
    PRIMARY KEY (feed_id, key)
);
CREATE INDEX seen_entries_seen_at_idx ON seen_entries (seen_at);

CREATE TABLE pieces (
    id               {id},
    guild_id         {snowflake} NOT NULL,
    channel_id       {snowflake} NOT NULL,
    subscription_id  {snowflake} REFERENCES subscriptions (id) ON DELETE SET NULL,
    url              TEXT    NOT NULL,
    title            TEXT,
    author           TEXT,
    outlet           TEXT,
    thesis           TEXT    NOT NULL,
    conclusion       TEXT,
    announced_count  INTEGER,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'publishing', 'published', 'failed')),
    message_id       {snowflake},
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       {timestamp} NOT NULL,
    published_at     {timestamp},
    UNIQUE (guild_id, channel_id, url)
);
CREATE INDEX pieces_published_idx ON pieces (guild_id, published_at);
CREATE INDEX pieces_state_idx ON pieces (state, created_at);
CREATE INDEX pieces_message_idx ON pieces (message_id);
CREATE INDEX pieces_subscription_idx ON pieces (subscription_id);

CREATE TABLE arguments (
    id                  {id},
    piece_id            {snowflake} NOT NULL REFERENCES pieces (id) ON DELETE CASCADE,
    number              INTEGER NOT NULL CHECK (number >= 0),
    title               TEXT    NOT NULL,
    marker              TEXT,
    text                TEXT    NOT NULL,
    anchor_message_id   {snowflake},
    thread_id           {snowflake},
    opening_message_id  {snowflake},
    posted_at           {timestamp},
    UNIQUE (piece_id, number)
);
CREATE INDEX arguments_thread_idx ON arguments (thread_id);

CREATE TABLE contributions (
    id            {id},
    guild_id      {snowflake} NOT NULL,
    argument_id   {snowflake} NOT NULL REFERENCES arguments (id) ON DELETE CASCADE,
    parent_id     {snowflake} REFERENCES contributions (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('counter', 'rebuttal')),
    author_id     {snowflake} NOT NULL,
    body          TEXT    NOT NULL,
    message_id    {snowflake},
    created_at    {timestamp} NOT NULL,
    edited_at     {timestamp},
    withdrawn_at  {timestamp},
    CHECK ((kind = 'counter') = (parent_id IS NULL))
);
CREATE INDEX contributions_argument_idx ON contributions (argument_id, created_at);
CREATE INDEX contributions_parent_idx ON contributions (parent_id);
CREATE INDEX contributions_message_idx ON contributions (message_id);
CREATE INDEX contributions_window_idx ON contributions (guild_id, created_at, author_id);
CREATE INDEX contributions_author_idx ON contributions (guild_id, author_id, created_at);

CREATE TABLE contribution_edits (
    id               {id},
    contribution_id  {snowflake} NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    previous_body    TEXT    NOT NULL,
    edited_by        {snowflake} NOT NULL,
    edited_at        {timestamp} NOT NULL
);
CREATE INDEX contribution_edits_idx ON contribution_edits (contribution_id, id);

-- One row per member and target; tallies are always counted from these rows.
-- guild_id and argument_id are copied from the target (immutable) so that summary queries
-- need no joins through contributions and pieces.
CREATE TABLE votes (
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('argument', 'contribution')),
    target_id    {snowflake} NOT NULL,
    member_id    {snowflake} NOT NULL,
    value        INTEGER NOT NULL CHECK (value IN (1, -1)),
    guild_id     {snowflake} NOT NULL,
    argument_id  {snowflake} NOT NULL REFERENCES arguments (id) ON DELETE CASCADE,
    created_at   {timestamp} NOT NULL,
    updated_at   {timestamp} NOT NULL,
    PRIMARY KEY (target_kind, target_id, member_id)
);
CREATE INDEX votes_tally_idx ON votes (target_kind, target_id, value, created_at);
CREATE INDEX votes_member_idx ON votes (guild_id, member_id, updated_at);
CREATE INDEX votes_argument_idx ON votes (argument_id);

CREATE TABLE awards (
    id               {id},
    guild_id         {snowflake} NOT NULL,
    member_id        {snowflake} NOT NULL,
    contribution_id  {snowflake} NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    reason           TEXT,
    created_at       {timestamp} NOT NULL,
    UNIQUE (contribution_id, member_id)
);
CREATE INDEX awards_member_idx ON awards (guild_id, member_id, created_at);

CREATE TABLE moderation_log (
    id          {id},
    guild_id    {snowflake} NOT NULL,
    actor_id    {snowflake} NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT,
    details     TEXT,
    created_at  {timestamp} NOT NULL
);
CREATE INDEX moderation_log_guild_idx ON moderation_log (guild_id, id);

CREATE TABLE summary_posts (
    guild_id    {snowflake} NOT NULL,
    iso_week    TEXT    NOT NULL,
    message_id  {snowflake},
    claimed_at  {timestamp} NOT NULL,
    posted_at   {timestamp},
    PRIMARY KEY (guild_id, iso_week)
);

-- Who has ever taken part in a guild's debates, and since when: one row per member, written
-- with each vote, contribution and award. Lets the weekly summary find participants by
-- probing per member instead of de-duplicating every vote of the week.
CREATE TABLE participants (
    guild_id         {snowflake} NOT NULL,
    member_id        {snowflake} NOT NULL,
    first_active_at  {timestamp} NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
