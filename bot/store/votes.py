"""Votes: one member's agree / disagree on an argument or a contribution, in click order.

Clicks arrive out of order (several processes, retried interactions), so a member's recent
clicks on a target are kept and folded again in click order whenever an older one turns up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.store.base import Backend, Conn
from bot.store.debate import note_participant
from bot.store.gates import counted_vote, vote_facts
from bot.store.records import (
    AGREE,
    DISAGREE,
    MemberFacts,
    NotFound,
    Tally,
    VoteAction,
    VoteClick,
    VoteOutcome,
    VoteTarget,
)
from bot.store.rows import Row, now_or, required_ts, utc

#: How far back a member's clicks on a target are kept, by click time, behind their latest:
#: an interaction can be answered for 15 minutes, so no click arrives later than that.
CLICK_HISTORY = timedelta(minutes=15)

#: The one filter that keeps a removed contribution's votes out of a tally (``v``: the votes
#: table's alias). Its votes stay recorded, so a restore puts them back.
COUNTED_VOTE = ("NOT EXISTS (SELECT 1 FROM contributions removed WHERE v.target_kind ="
                " 'contribution' AND removed.id = v.target_id AND removed.removed_at IS NOT NULL)")

VoteKey = tuple[str, int, int]
"""(target kind, target id, member id): one member's vote on one target."""


@dataclass(frozen=True, slots=True)
class _Click:
    id: int
    at: datetime
    value: int
    prior: int | None
    counted: bool


def _toggle(vote: int | None, click: int) -> int | None:
    """A click on a vote: the same value withdraws it, the other casts or switches."""
    return None if vote == click else click


def _vote_action(before: int | None, after: int | None, counted: bool) -> VoteAction:
    if before == after:
        return "unchanged" if counted else "repeated"
    if after is None:
        return "withdrawn"
    return "added" if before is None else "switched"


async def _tally(conn: Conn, target: VoteTarget) -> Tally:
    return (await _tallies(conn, target))[0]


async def _tallies(conn: Conn, target: VoteTarget) -> tuple[Tally, Tally]:
    """The target's tally and its established members' tally, counted from the vote rows that
    pass the guild's current gates (:func:`bot.store.gates.counted_vote`)."""
    established = counted_vote("v", "g", established=True)
    row = await conn.fetchrow(
        "SELECT COALESCE(SUM(CASE WHEN v.value = 1 THEN 1 ELSE 0 END), 0) AS agree,"
        " COALESCE(SUM(CASE WHEN v.value = -1 THEN 1 ELSE 0 END), 0) AS disagree,"
        f" COALESCE(SUM(CASE WHEN v.value = 1 AND {established} THEN 1 ELSE 0 END), 0)"
        " AS est_agree,"
        f" COALESCE(SUM(CASE WHEN v.value = -1 AND {established} THEN 1 ELSE 0 END), 0)"
        " AS est_disagree"
        " FROM votes v LEFT JOIN guild_settings g ON g.guild_id = v.guild_id"
        f" WHERE v.target_kind = $1 AND v.target_id = $2 AND {counted_vote('v', 'g')}"
        f" AND {COUNTED_VOTE}",
        target.kind, target.id)
    assert row is not None
    return (Tally(int(row["agree"]), int(row["disagree"])),
            Tally(int(row["est_agree"]), int(row["est_disagree"])))


async def _vote_context(conn: Conn, target: VoteTarget) -> tuple[int, int]:
    """(guild_id, argument_id) of a vote target; ``NotFound`` if it does not exist."""
    if target.kind == "argument":
        row = await conn.fetchrow(
            "SELECT p.guild_id, a.id AS argument_id FROM arguments a"
            " JOIN pieces p ON p.id = a.piece_id WHERE a.id = $1", target.id)
    elif target.kind == "contribution":
        row = await conn.fetchrow(
            "SELECT guild_id, argument_id FROM contributions WHERE id = $1", target.id)
    else:
        raise ValueError(f"unknown vote target kind {target.kind!r}")
    if row is None:
        raise NotFound(f"no {target.kind} {target.id}")
    return row["guild_id"], row["argument_id"]


class VoteQueries(Backend):
    async def cast_vote(
        self, target: VoteTarget, member_id: int, value: int, *, now: datetime | None = None,
        click: VoteClick | None = None, debounce: float = 0.0, facts: MemberFacts | None = None,
    ) -> VoteOutcome:
        """Apply one click atomically: a new vote is added, the same value again withdraws,
        the other value switches. ``value`` is +1 (agree) or -1 (disagree); the outcome
        carries the fresh tally. Serialised per member and target, even across processes.

        With ``click`` the member's clicks on the target take effect in click order, however
        they arrive: a click older than one already applied is put back in its place and the
        vote folded again from there; a click already recorded (the same id) changes nothing.
        A click of the same value less than ``debounce`` seconds after the member's previous
        counted one is a double click and is not counted (``repeated``).

        ``facts`` (the member's join time and roles from the interaction) are recorded with
        the vote, with its account age, as they are at ``now``: tallies apply the gates in
        force to them (:mod:`bot.store.gates`).
        """
        if value not in (AGREE, DISAGREE):
            raise ValueError(f"a vote is +1 or -1, not {value!r}")
        stamp = now_or(now)
        key = (target.kind, target.id, member_id)

        # Awaits nothing but ``conn``: SQLite runs it whole in one trip (Backend._transaction).
        async def click_it(conn: Conn) -> VoteOutcome:
            guild_id, argument_id = await _vote_context(conn, target)
            # One member's clicks on one target, one at a time, in every process; within the
            # lock the vote row and the member's recent clicks are read and written alike.
            await self._lock_vote(conn, *key)
            current, clicks = await self._vote_and_clicks(conn, key, clicks=click is not None)
            before: int | None = None if current is None else int(current)
            if click is None:
                after, counted = _toggle(before, value), True
                # A click without a date starts the member's history afresh.
                await conn.execute(
                    "DELETE FROM vote_clicks WHERE target_kind = $1 AND target_id = $2"
                    " AND member_id = $3", *key)
            else:
                folded = await _fold_click(conn, key, argument_id, before, clicks, click,
                                           value, debounce)
                if folded is None:  # recorded already, or too old to place
                    tally = await _tally(conn, target)
                    return VoteOutcome(target, member_id, "repeated", before, tally)
                after, counted = folded
            await _write_vote(conn, key, before, after, guild_id, argument_id, stamp,
                              vote_facts(facts, member_id, stamp))
            if after is not None:
                await note_participant(conn, guild_id, member_id, stamp)
            tally = await _tally(conn, target)
            return VoteOutcome(target, member_id, _vote_action(before, after, counted), after,
                               tally)

        return await self._transaction(click_it)

    async def _vote_and_clicks(self, conn: Conn, key: VoteKey, *, clicks: bool
                               ) -> tuple[Any, list[Row]]:
        """The member's vote on the target (locked for the transaction where rows lock) and,
        with ``clicks``, their recent clicks on it in click order."""
        if clicks and not self._for_update:
            # Where the transaction itself serialises writers (SQLite's BEGIN IMMEDIATE), one
            # statement instead of two: the vote rides on every click row, or on a row of its
            # own when there is no click yet. A row lock cannot reach through the outer join.
            rows = await conn.fetch(
                "SELECT v.value AS current, c.click_id, c.clicked_at, c.value, c.prior,"
                " c.counted FROM (SELECT 1) AS one"
                " LEFT JOIN votes AS v ON v.target_kind = $1 AND v.target_id = $2"
                " AND v.member_id = $3"
                " LEFT JOIN vote_clicks AS c ON c.target_kind = $1 AND c.target_id = $2"
                " AND c.member_id = $3 ORDER BY c.click_id", *key)
            first = rows[0]["current"] if rows else None
            return first, [row for row in rows if row["click_id"] is not None]
        current = await conn.fetchval(
            "SELECT value FROM votes WHERE target_kind = $1 AND target_id = $2"
            f" AND member_id = $3{self._for_update}", *key)
        if not clicks:
            return current, []
        rows = await conn.fetch(
            "SELECT click_id, clicked_at, value, prior, counted FROM vote_clicks"
            " WHERE target_kind = $1 AND target_id = $2 AND member_id = $3"
            " ORDER BY click_id", *key)
        return current, rows

    async def get_vote(self, target: VoteTarget, member_id: int) -> int | None:
        """The member's current vote on the target, or ``None``."""
        value = await self._value(
            "SELECT value FROM votes WHERE target_kind = $1 AND target_id = $2"
            " AND member_id = $3", target.kind, target.id, member_id)
        return None if value is None else int(value)

    async def tally(self, target: VoteTarget) -> Tally:
        """Agree / disagree counted from the vote rows that pass the guild's current gates."""
        async with self._tx() as conn:
            return await _tally(conn, target)

    async def tallies(self, target: VoteTarget) -> tuple[Tally, Tally]:
        """(the tally, the established members' tally): equal when no ``established_s`` is
        set, or when every counted vote comes from an established member."""
        async with self._tx() as conn:
            return await _tallies(conn, target)


async def _fold_click(
    conn: Conn, key: VoteKey, argument_id: int, before: int | None,
    rows: list[Row], click: VoteClick, value: int, debounce: float,
) -> tuple[int | None, bool] | None:
    """Record ``click`` among the member's recent clicks on the target (``rows``) and fold
    them again in click order; returns (the vote after them all, whether this click
    counted), or ``None`` when the click is recorded already or older than the history
    kept."""
    history = [_Click(int(r["click_id"]), required_ts(r["clicked_at"]), int(r["value"]),
                      None if r["prior"] is None else int(r["prior"]), bool(r["counted"]))
               for r in rows]
    at = utc(click.at)
    if any(c.id == click.id for c in history):
        return None  # the same interaction delivered twice
    if history and at < history[-1].at - CLICK_HISTORY:
        return None  # its place was folded away; too late to count
    # Where the fold starts: the vote before the first click kept, or now.
    state = history[0].prior if history else before
    new = _Click(click.id, at, value, None, True)
    ordered = sorted([*history, new], key=lambda c: c.id)
    last_counted: _Click | None = None
    changed: list[_Click] = []
    for entry in ordered:
        prior, counted = state, True
        if (last_counted is not None and last_counted.value == entry.value
                and (entry.at - last_counted.at).total_seconds() < debounce):
            counted = False  # a double click: the first one counts
        else:
            state = _toggle(state, entry.value)
            last_counted = entry
        if entry is not new and (entry.prior, entry.counted) != (prior, counted):
            changed.append(_Click(entry.id, entry.at, entry.value, prior, counted))
        if entry is new:
            new = _Click(entry.id, entry.at, entry.value, prior, counted)
    await conn.execute(
        "INSERT INTO vote_clicks (target_kind, target_id, member_id, click_id, clicked_at,"
        " value, prior, counted, argument_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        *key, new.id, new.at, new.value, new.prior, new.counted, argument_id)
    for entry in changed:
        await conn.execute(
            "UPDATE vote_clicks SET prior = $5, counted = $6 WHERE target_kind = $1"
            " AND target_id = $2 AND member_id = $3 AND click_id = $4",
            *key, entry.id, entry.prior, entry.counted)
    latest = max(c.at for c in ordered)
    if any(c.at < latest - CLICK_HISTORY for c in history):
        # Only when some click has aged out: a statement saved on almost every vote, each
        # one a trip to SQLite's thread with the store's lock held.
        await conn.execute(
            "DELETE FROM vote_clicks WHERE target_kind = $1 AND target_id = $2"
            " AND member_id = $3 AND clicked_at < $4", *key, latest - CLICK_HISTORY)
    return state, new.counted


async def _write_vote(
    conn: Conn, key: VoteKey, before: int | None, after: int | None,
    guild_id: int, argument_id: int, stamp: datetime,
    facts: tuple[int, int | None, str | None],
) -> None:
    if after == before:
        return
    if after is None:
        await conn.execute(
            "DELETE FROM votes WHERE target_kind = $1 AND target_id = $2"
            " AND member_id = $3", *key)
    elif before is None:
        await conn.execute(
            "INSERT INTO votes (target_kind, target_id, member_id, value, guild_id,"
            " argument_id, created_at, updated_at, account_age_s, membership_s, role_ids)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
            *key, after, guild_id, argument_id, stamp, *facts)
    else:
        # A switched vote is cast anew: the facts of this moment replace the earlier ones.
        await conn.execute(
            "UPDATE votes SET value = $4, updated_at = $5, account_age_s = $6,"
            " membership_s = $7, role_ids = $8 WHERE target_kind = $1"
            " AND target_id = $2 AND member_id = $3", *key, after, stamp, *facts)
