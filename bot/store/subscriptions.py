"""Subscriptions: a guild channel following a feed, its filters and owed pause notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.store.base import UNSET, Backend, Where
from bot.store.feeds import ensure_feed_row
from bot.store.records import Conflict, Subscription
from bot.store.rows import encode_strings, from_row, now_or


class SubscriptionQueries(Backend):
    async def add_subscription(
        self, guild_id: int, channel_id: int, feed_url: str, *, created_by: int,
        mention_role_id: int | None = None, include: Sequence[str] = (),
        exclude: Sequence[str] = (), now: datetime | None = None,
    ) -> Subscription:
        """Subscribe a channel to a feed URL (creating the feed if new).

        ``Conflict`` if that channel already follows that feed.
        """
        stamp = now_or(now)
        async with self._tx() as conn:
            feed = await ensure_feed_row(conn, feed_url, stamp)
            row = await conn.fetchrow(
                "INSERT INTO subscriptions (guild_id, channel_id, feed_id, mention_role_id,"
                " include_filters, exclude_filters, paused, created_by, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (guild_id, channel_id, feed_id) DO NOTHING RETURNING *",
                guild_id, channel_id, feed.id, mention_role_id,
                encode_strings(include), encode_strings(exclude), False, created_by, stamp)
        if row is None:
            raise Conflict(f"channel {channel_id} already follows {feed_url}")
        return from_row(Subscription, row)

    async def get_subscription(self, subscription_id: int) -> Subscription | None:
        """The subscription, or ``None``."""
        return await self._by(Subscription, "subscriptions", "id", subscription_id)

    async def list_subscriptions(
        self, *, guild_id: int | None = None, feed_id: int | None = None,
        channel_id: int | None = None, include_paused: bool = True,
        owed_pause_notice: bool = False,
    ) -> list[Subscription]:
        """Subscriptions matching every filter given, by id (``owed_pause_notice``: only
        those with an auto-pause notice not delivered yet)."""
        where = Where()
        where.add_optional("guild_id = {}", guild_id)
        where.add_optional("feed_id = {}", feed_id)
        where.add_optional("channel_id = {}", channel_id)
        if not include_paused:
            where.terms.append("NOT paused")
        if owed_pause_notice:
            where.terms.append("pause_notice IS NOT NULL")
        return await self._all(
            Subscription, f"SELECT * FROM subscriptions {where.sql()} ORDER BY id", *where.args)

    async def take_pause_notice(self, subscription_id: int) -> str | None:
        """Take the subscription's owed pause notice (cleared; ``None`` if there is none or
        another process took it first). Give it back with ``return_pause_notice`` if it
        could not be delivered."""
        async with self._tx() as conn:
            # Read under the row lock (PostgreSQL) or the write transaction (SQLite): of
            # several processes, exactly one gets the text.
            notice: str | None = await conn.fetchval(
                f"SELECT pause_notice FROM subscriptions WHERE id = $1{self._for_update}",
                subscription_id)
            if notice is not None:
                await conn.execute(
                    "UPDATE subscriptions SET pause_notice = NULL WHERE id = $1",
                    subscription_id)
        return notice

    async def return_pause_notice(self, subscription_id: int, notice: str) -> bool:
        """Owe the notice again, unless the feed was resumed meanwhile (``False`` then)."""
        return await self._run(
            "UPDATE subscriptions SET pause_notice = $2"
            " WHERE id = $1 AND pause_notice IS NULL"
            " AND EXISTS (SELECT 1 FROM feeds f WHERE f.id = subscriptions.feed_id"
            " AND f.paused)", subscription_id, notice) > 0

    async def count_subscriptions(self, guild_id: int) -> int:
        """How many subscriptions a guild has (paused included), for the feed limit."""
        return int(await self._value(
            "SELECT COUNT(*) FROM subscriptions WHERE guild_id = $1", guild_id))

    async def update_subscription(
        self, subscription_id: int, *, mention_role_id: int | None = UNSET,
        include: Sequence[str] = UNSET, exclude: Sequence[str] = UNSET, paused: bool = UNSET,
        channel_id: int = UNSET,
    ) -> Subscription:
        """Change the fields given (omitted ones stay); ``NotFound`` if missing, ``Conflict``
        if the new channel already follows the same feed."""
        missing = f"no subscription {subscription_id}"
        changes: dict[str, Any] = {}
        if channel_id is not UNSET:
            changes["channel_id"] = channel_id
            taken = await self._value(
                "SELECT other.id FROM subscriptions sub JOIN subscriptions other"
                " ON other.guild_id = sub.guild_id AND other.feed_id = sub.feed_id"
                " AND other.channel_id = $2 AND other.id <> sub.id WHERE sub.id = $1",
                subscription_id, channel_id)
            if taken is not None:
                raise Conflict(f"channel {channel_id} already follows that feed "
                               f"(subscription {taken})")
        if mention_role_id is not UNSET:
            changes["mention_role_id"] = mention_role_id
        if include is not UNSET:
            changes["include_filters"] = encode_strings(include)
        if exclude is not UNSET:
            changes["exclude_filters"] = encode_strings(exclude)
        if paused is not UNSET:
            changes["paused"] = bool(paused)
        if not changes:
            return await self._found(
                Subscription, missing, "SELECT * FROM subscriptions WHERE id = $1",
                subscription_id)
        where = Where(subscription_id)
        sets = ", ".join(f"{column} = {where.placeholder(v)}" for column, v in changes.items())
        return await self._found(
            Subscription, missing,
            f"UPDATE subscriptions SET {sets} WHERE id = $1 RETURNING *", *where.args)

    async def remove_subscription(self, subscription_id: int) -> bool:
        """Delete a subscription (its pieces stay); ``False`` if there was none. The feed stays
        too; with no subscriber left it is simply no longer claimed."""
        return await self._run("DELETE FROM subscriptions WHERE id = $1", subscription_id) > 0
