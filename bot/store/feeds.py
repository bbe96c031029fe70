"""Feeds: their polling state, the pollers' leases on them, and the entries already seen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.store.base import UNSET, Backend, Conn, Where
from bot.store.records import EntryKeys, Feed, LeaseLost, NotFound, UnchangedFetch
from bot.store.rows import from_row, now_or, strings, utc


async def ensure_feed_row(conn: Conn, url: str, now: datetime, title: str | None = None) -> Feed:
    """The feed with this URL, inserted (due ``now``) when new, inside the caller's
    transaction."""
    if not url:
        raise ValueError("a feed needs a URL")
    # A title only fills a gap: the poller keeps the one it stores current.
    row = await conn.fetchrow(
        "INSERT INTO feeds (url, title, next_poll_at, created_at) VALUES ($1, $3, $2, $2) "
        "ON CONFLICT (url) DO UPDATE SET title = excluded.title"
        " WHERE feeds.title IS NULL AND excluded.title IS NOT NULL RETURNING *",
        url, now, title)
    if row is None:
        row = await conn.fetchrow("SELECT * FROM feeds WHERE url = $1", url)
    assert row is not None
    return from_row(Feed, row)


class FeedQueries(Backend):
    async def ensure_feed(
        self, url: str, *, title: str | None = None, now: datetime | None = None
    ) -> Feed:
        """The feed with this URL, created (due now) if it does not exist yet.

        ``title`` is stored when the feed has none yet (a feed's title is otherwise the
        poller's, from each fetch)."""
        async with self._tx() as conn:
            return await ensure_feed_row(conn, url, now_or(now), title or None)

    async def get_feed(self, feed_id: int) -> Feed | None:
        """The feed, or ``None``."""
        return await self._by(Feed, "feeds", "id", feed_id)

    async def get_feed_by_url(self, url: str) -> Feed | None:
        """The feed with exactly this URL, or ``None``."""
        return await self._by(Feed, "feeds", "url", url)

    async def list_feeds(self) -> list[Feed]:
        """Every feed, by id."""
        return await self._all(Feed, "SELECT * FROM feeds ORDER BY id")

    async def set_feed_paused(
        self, feed_id: int, paused: bool, *, notice: str | None = None
    ) -> Feed:
        """Pause or resume polling of a feed for everyone (``NotFound`` if missing). Pausing
        with ``notice`` (the error) owes every subscription of the feed a pause notice, in
        the same transaction."""
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE feeds SET paused = $2 WHERE id = $1 RETURNING *", feed_id, bool(paused))
            if row is None:
                raise NotFound(f"no feed {feed_id}")
            if paused and notice is not None:
                await conn.execute(
                    "UPDATE subscriptions SET pause_notice = $2 WHERE feed_id = $1",
                    feed_id, notice)
        return from_row(Feed, row)

    async def resume_feed(self, feed_id: int, *, next_poll_at: datetime) -> Feed:
        """Unpause a feed, reset ``consecutive_failures`` and make it due at ``next_poll_at``
        (a moderator's resume: the back-off starts over); pause notices still owed are
        dropped. ``NotFound`` if missing."""
        async with self._tx() as conn:
            row = await conn.fetchrow(
                "UPDATE feeds SET paused = $2, consecutive_failures = 0, next_poll_at = $3"
                " WHERE id = $1 RETURNING *", feed_id, False, utc(next_poll_at))
            if row is None:
                raise NotFound(f"no feed {feed_id}")
            # A notice not delivered yet would now announce a pause that is over.
            await conn.execute(
                "UPDATE subscriptions SET pause_notice = NULL WHERE feed_id = $1", feed_id)
        return from_row(Feed, row)

    async def delete_feed(self, feed_id: int) -> bool:
        """Delete a feed with its subscriptions and seen entries; pieces keep existing
        (their ``subscription_id`` becomes ``None``). ``False`` if there was no such feed."""
        return await self._run("DELETE FROM feeds WHERE id = $1", feed_id) > 0

    # --- leases and fetches -----------------------------------------------------------------

    async def claim_due_feeds(
        self, now: datetime, owner: str, lease_seconds: float, limit: int, *,
        require_subscribers: bool = True,
    ) -> list[Feed]:
        """Lease up to ``limit`` due feeds to ``owner``, soonest due first.

        A feed is due when it is not paused, ``next_poll_at <= now``, its lease is free or
        expired and (with ``require_subscribers``) at least one unpaused subscription follows
        it. Two pollers, in one process or several, never get the same feed while a lease
        runs. The returned feeds show the new lease.
        """
        if not owner:
            raise ValueError("a lease needs an owner name")
        if limit <= 0:
            return []
        stamp = utc(now)
        subscribers = (
            " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.feed_id = f.id AND NOT s.paused)"
            if require_subscribers else "")
        due = ("SELECT f.id FROM feeds f WHERE NOT f.paused AND f.next_poll_at <= $1"
               " AND (f.lease_expires_at IS NULL OR f.lease_expires_at <= $1)"
               f"{subscribers} ORDER BY f.next_poll_at, f.id LIMIT $4{self._skip_locked('f')}")
        feeds = await self._all(
            Feed,
            f"WITH due AS ({due}) UPDATE feeds SET lease_owner = $2, lease_expires_at = $3"
            " WHERE id IN (SELECT id FROM due) RETURNING *",
            stamp, owner, stamp + timedelta(seconds=lease_seconds), int(limit))
        feeds.sort(key=lambda f: (f.next_poll_at, f.id))
        return feeds

    async def release_feed_lease(self, feed_id: int, owner: str) -> bool:
        """Give a lease back without recording a fetch; ``False`` if ``owner`` did not hold it."""
        return await self._run(
            "UPDATE feeds SET lease_owner = NULL, lease_expires_at = NULL"
            " WHERE id = $1 AND lease_owner = $2", feed_id, owner) > 0

    async def _record_fetch(
        self, feed_id: int, owner: str | None, now: datetime, sets: dict[str, Any],
        raw: Sequence[str] = (),
    ) -> Feed:
        where = Where(feed_id)
        assignments = [*raw, *(f"{c} = {where.placeholder(v)}" for c, v in sets.items()),
                       "lease_owner = NULL", "lease_expires_at = NULL"]
        where.terms.append("id = $1")
        if owner is not None:
            # Our own lease, a free one, or an expired one nobody re-claimed: ours to write.
            where.terms.append(
                f"(lease_owner IS NULL OR lease_owner = {where.placeholder(owner)}"
                f" OR lease_expires_at <= {where.placeholder(now)})")
        return await self._guarded_update(
            Feed, "feeds", feed_id, f"no feed {feed_id}",
            f"UPDATE feeds SET {', '.join(assignments)} {where.sql()} RETURNING *", where.args,
            lambda holder: LeaseLost(f"feed {feed_id} is leased to {holder!r}, not {owner!r}"),
            "lease_owner")

    async def record_fetch_success(
        self, feed_id: int, *, next_poll_at: datetime, etag: str | None, last_modified: str | None,
        title: str | None = UNSET, owner: str | None = None, now: datetime | None = None,
    ) -> Feed:
        """Record a successful fetch (a 304 counts) and release the lease.

        ``etag`` / ``last_modified`` are stored as given: pass the feed's current values on a
        304. Resets ``consecutive_failures`` and ``last_error``. With ``owner``, raises
        ``LeaseLost`` if another poller holds the lease now.
        """
        stamp = now_or(now)
        sets: dict[str, Any] = {
            "etag": etag, "last_modified": last_modified, "consecutive_failures": 0,
            "last_error": None, "last_attempt_at": stamp, "last_success_at": stamp,
            "next_poll_at": utc(next_poll_at),
        }
        if title is not UNSET:
            sets["title"] = title
        return await self._record_fetch(feed_id, owner, stamp, sets)

    async def record_unchanged_fetches(
        self, fetches: Sequence[UnchangedFetch], *, owner: str, now: datetime | None = None,
    ) -> list[int]:
        """Record many fetches that found their feed unchanged, in one statement, as
        :meth:`record_fetch_success` records each (leases released, failures reset).

        A cycle's 304s come by the thousand and each is worth one row's update: one trip to
        the database for the lot rather than one transaction each, which under load cost
        more than the fetches did. Returns the ids not written: another poller holds the
        lease now, or the feed is gone.
        """
        if not fetches:
            return []
        stamp = now_or(now)
        rows = self._rows(1, (("id", "bigint"), ("next_poll_at", "timestamptz"),
                              ("etag", "text"), ("last_modified", "text")))
        async with self._tx() as conn:
            written = await conn.fetch(
                "UPDATE feeds SET etag = t.etag, last_modified = t.last_modified,"
                " next_poll_at = t.next_poll_at, consecutive_failures = 0, last_error = NULL,"
                " last_attempt_at = $2, last_success_at = $2,"
                " lease_owner = NULL, lease_expires_at = NULL"
                f" FROM {rows} WHERE feeds.id = t.id AND (feeds.lease_owner IS NULL"
                " OR feeds.lease_owner = $3 OR feeds.lease_expires_at <= $2) RETURNING feeds.id",
                self._rows_arg([(f.feed_id, utc(f.next_poll_at), f.etag, f.last_modified)
                                for f in fetches]), stamp, owner)
        done = {row["id"] for row in written}
        return [f.feed_id for f in fetches if f.feed_id not in done]

    async def record_fetch_failure(
        self, feed_id: int, *, error: str, next_poll_at: datetime, owner: str | None = None,
        now: datetime | None = None,
    ) -> Feed:
        """Record a failed fetch (``consecutive_failures += 1``) and release the lease.

        The back-off is the caller's: it passes ``next_poll_at``. ``owner`` as in success.
        """
        stamp = now_or(now)
        sets: dict[str, Any] = {
            "last_error": error, "last_attempt_at": stamp, "next_poll_at": utc(next_poll_at),
        }
        # Incremented in SQL rather than read-modify-write, so no failure is ever lost.
        return await self._record_fetch(
            feed_id, owner, stamp, sets, ("consecutive_failures = consecutive_failures + 1",))

    # --- seen entries -----------------------------------------------------------------------

    async def mark_seen(
        self, feed_id: int, keys: Iterable[str], *, now: datetime | None = None
    ) -> None:
        """Record entry keys as seen for a feed; keys already seen get ``seen_at = now`` so
        entries still listed in a feed are not pruned while they stay there."""
        # Deduplicated: PostgreSQL refuses to upsert the same row twice in one statement.
        unique = list(dict.fromkeys(str(k) for k in keys))
        if not unique:
            return
        await self._run(
            f"INSERT INTO seen_entries (feed_id, key, seen_at)"
            f" SELECT {self._param(1, 'bigint')}, t.value, {self._param(3, 'timestamptz')}"
            f" FROM {self._array(2, 'text')} WHERE true"
            " ON CONFLICT (feed_id, key) DO UPDATE SET seen_at = CASE"
            " WHEN excluded.seen_at > seen_entries.seen_at THEN excluded.seen_at"
            " ELSE seen_entries.seen_at END",
            feed_id, unique, now_or(now))

    async def filter_unseen(
        self, feed_id: int, entries: Sequence[EntryKeys | tuple[str, Sequence[str]]]
    ) -> list[str]:
        """The main keys of the entries none of whose keys was seen, in input order.

        An entry sharing a key with an earlier entry of the same call is dropped too, so one
        fetch listing an item twice yields it once.
        """
        normalised = [
            e if isinstance(e, EntryKeys) else EntryKeys(e[0], strings(e[1])) for e in entries
        ]
        if not normalised:
            return []
        every_key = list(dict.fromkeys(k for e in normalised for k in e.all_keys()))
        async with self._tx() as conn:
            rows = await conn.fetch(
                "SELECT key FROM seen_entries WHERE feed_id = $1"
                f" AND key IN (SELECT t.value FROM {self._array(2, 'text')})",
                feed_id, every_key)
        taken = {r["key"] for r in rows}
        unseen: list[str] = []
        for entry in normalised:
            keys = set(entry.all_keys())
            if keys & taken:
                continue
            unseen.append(entry.key)
            taken |= keys  # a later duplicate in the same batch is not new either
        return unseen

    async def count_seen(self, feed_id: int) -> int:
        """How many keys are recorded for a feed (0 means a first fetch: don't flood)."""
        return int(await self._value(
            "SELECT COUNT(*) FROM seen_entries WHERE feed_id = $1", feed_id))

    async def prune_seen(self, older_than: datetime) -> int:
        """Forget keys with ``seen_at < older_than``; returns how many were removed."""
        return await self._run("DELETE FROM seen_entries WHERE seen_at < $1", utc(older_than))
