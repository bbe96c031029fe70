-- Gates against brigading (issue 12): a guild's rules for who may vote, counter or award, all
-- off (NULL) by default. Durations in seconds; the counter rate is per member and hour;
-- established_s is the account age and time in the server from which a vote counts in the
-- "established members" tally.
ALTER TABLE guild_settings ADD COLUMN gate_account_age_s INTEGER CHECK (gate_account_age_s > 0);
ALTER TABLE guild_settings ADD COLUMN gate_membership_s INTEGER CHECK (gate_membership_s > 0);
ALTER TABLE guild_settings ADD COLUMN gate_role_id {snowflake};
ALTER TABLE guild_settings ADD COLUMN gate_counter_rate INTEGER CHECK (gate_counter_rate > 0);
ALTER TABLE guild_settings ADD COLUMN established_s INTEGER CHECK (established_s > 0);
-- The shortest explanation a "changed my mind" award needs (NULL: the rules' default).
ALTER TABLE guild_settings ADD COLUMN award_min_reason INTEGER CHECK (award_min_reason > 0);

-- What the gates need, recorded with each vote as it was at the moment of the vote, so that
-- tallies apply the rules in force NOW to the votes as they were cast, and a setting changed
-- back brings the votes back: the account's age and the time in the server, in seconds
-- (NULL: not known, counted), and the member's roles as ",id,id," (NULL: not known, counted).
ALTER TABLE votes ADD COLUMN account_age_s {snowflake};
ALTER TABLE votes ADD COLUMN membership_s {snowflake};
ALTER TABLE votes ADD COLUMN role_ids TEXT;
-- An account's creation time is in its id (a snowflake): votes cast before this migration
-- get their account age from it.
UPDATE votes SET account_age_s =
    {sqlite: updated_at / 1000000}{postgres: CAST(EXTRACT(EPOCH FROM updated_at) AS BIGINT)}
    - ((member_id >> 22) + 1420070400000) / 1000;

-- "Changed my mind" as DeltaBot would have it: the giver may withdraw an award for a day, a
-- moderator may revoke one with a reason. Neither deletes the row: the record keeps both.
ALTER TABLE awards ADD COLUMN withdrawn_at {timestamp};
ALTER TABLE awards ADD COLUMN revoked_at {timestamp};
ALTER TABLE awards ADD COLUMN revoked_by {snowflake};
ALTER TABLE awards ADD COLUMN revoke_reason TEXT;

-- Members who opted in to being named on public boards (summaries' awards board, exports),
-- with the name they chose to show. Opting out deletes the row.
CREATE TABLE board_members (
    guild_id      {snowflake} NOT NULL,
    member_id     {snowflake} NOT NULL,
    display_name  TEXT    NOT NULL,
    opted_in_at   {timestamp} NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
