-- The recent clicks of each member on each vote target, by Discord's click id (a snowflake,
-- so in click order): a click that reaches the bot after a later one (two clicks delivered
-- together after a reconnect, handled by two tasks or two processes) is put back in its place
-- and the member's vote folded again from there, instead of being applied last. ``prior`` is
-- the member's vote before the click (NULL: none), ``counted`` false (0) for a click taken for a
-- double click of the one before it. Clicks older than a quarter of an hour before the
-- member's latest on the target are folded into ``prior`` and deleted.
CREATE TABLE vote_clicks (
    target_kind  TEXT    NOT NULL CHECK (target_kind IN ('argument', 'contribution')),
    target_id    {snowflake} NOT NULL,
    member_id    {snowflake} NOT NULL,
    click_id     {snowflake} NOT NULL,
    clicked_at   {timestamp} NOT NULL,
    value        INTEGER NOT NULL CHECK (value IN (1, -1)),
    prior        INTEGER CHECK (prior IN (1, -1)),
    counted      {boolean} NOT NULL{sqlite: CHECK (counted IN (0, 1))},
    argument_id  {snowflake} NOT NULL REFERENCES arguments (id) ON DELETE CASCADE,
    PRIMARY KEY (target_kind, target_id, member_id, click_id)
);
CREATE INDEX vote_clicks_argument_idx ON vote_clicks (argument_id);
