"""What the gates against brigading need from the store: which recorded votes count under
the rules in force now, and how many contributions a member made lately.

A vote row carries the member's account age, time in the server and roles *as they were when
the vote was cast* (``votes.account_age_s``, ``membership_s``, ``role_ids``). Tallies never
delete or rewrite a vote: they keep the rows that pass the guild's current gates
(:func:`counted_vote`), so a gate raised today drops the raid of last night from the tallies
and a gate lowered tomorrow brings those votes back. The rule here is the SQL twin of
``bot.debate.gates.check`` applied at the moment of each vote; both read the same settings.

:func:`counted_vote` is one self-contained condition over a vote row and the guild's settings
row, to be AND-ed with any other filter on votes (removed contributions, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.store.base import Backend
from bot.store.records import MemberFacts, VoteTarget
from bot.store.rows import required_ts, utc

#: How far back the counter rate looks.
RATE_WINDOW = timedelta(hours=1)
#: The most messages whose buttons a gate change brings up to date at once.
REFRESH_LIMIT = 500


def counted_vote(v: str = "v", g: str = "g", *, established: bool = False) -> str:
    """SQL: the vote row ``v`` passes the current gates of its guild's settings row ``g``
    (``LEFT JOIN guild_settings g ON g.guild_id = v.guild_id``; no row: no gates).

    Facts not recorded (``NULL``: votes from before the gates, or an interaction that did not
    say) count. With ``established``, the vote must also come from an established member:
    account and time in the server both at least ``established_s`` when it was cast.
    """
    terms = [
        f"({g}.gate_account_age_s IS NULL OR {v}.account_age_s IS NULL"
        f" OR {v}.account_age_s >= {g}.gate_account_age_s)",
        f"({g}.gate_membership_s IS NULL OR {v}.membership_s IS NULL"
        f" OR {v}.membership_s >= {g}.gate_membership_s)",
        f"({g}.gate_role_id IS NULL OR {v}.role_ids IS NULL"
        f" OR {v}.role_ids LIKE '%,' || CAST({g}.gate_role_id AS TEXT) || ',%')",
    ]
    if established:
        terms.append(
            f"({g}.established_s IS NULL OR (({v}.account_age_s IS NULL"
            f" OR {v}.account_age_s >= {g}.established_s) AND ({v}.membership_s IS NULL"
            f" OR {v}.membership_s >= {g}.established_s)))")
    return "(" + " AND ".join(terms) + ")"


def encode_roles(role_ids: Iterable[int]) -> str:
    """``,1,2,``: each id between commas, so ``LIKE '%,id,%'`` finds exactly that id."""
    return "," + "".join(f"{int(r)}," for r in sorted(set(role_ids)))


def vote_facts(facts: MemberFacts | None, member_id: int, at: datetime
               ) -> tuple[int, int | None, str | None]:
    """(account age, time in the server, roles) recorded with a vote cast ``at``.

    The account's age is in its id, so it is known even without ``facts``.
    """
    created = (facts or MemberFacts(member_id)).account_created_at
    account_age = int((utc(at) - created).total_seconds())
    if facts is None:
        return account_age, None, None
    membership = (None if facts.joined_at is None
                  else int((utc(at) - utc(facts.joined_at)).total_seconds()))
    return account_age, membership, encode_roles(facts.role_ids)


class GateQueries(Backend):
    async def recent_contributions(self, guild_id: int, author_id: int, now: datetime
                                   ) -> list[datetime]:
        """When the member posted counters and rebuttals in the hour up to ``now``, oldest
        first (withdrawn ones too: withdrawing must not reset the limit)."""
        stamp = utc(now)
        async with self._read_tx() as conn:
            rows = await conn.fetch(
                "SELECT created_at FROM contributions WHERE guild_id = $1 AND author_id = $2"
                " AND created_at > $3 AND created_at <= $4 ORDER BY created_at",
                guild_id, author_id, stamp - RATE_WINDOW, stamp)
        return [required_ts(r["created_at"]) for r in rows]

    async def messages_with_tallies(self, guild_id: int, since: datetime, *,
                                    limit: int = REFRESH_LIMIT
                                    ) -> list[tuple[int, int, VoteTarget]]:
        """(thread id, message id, vote target) of every message showing a tally in the
        debates of pieces published since ``since``, newest piece first, at most ``limit``:
        what to refresh when a gate change moves the tallies."""
        async with self._read_tx() as conn:
            rows = await conn.fetch(
                "SELECT a.thread_id, a.opening_message_id AS message_id, 'argument' AS kind,"
                " a.id AS target_id, p.published_at"
                " FROM arguments a JOIN pieces p ON p.id = a.piece_id"
                " WHERE p.guild_id = $1 AND p.state = 'published' AND p.published_at >= $2"
                " AND a.thread_id IS NOT NULL AND a.opening_message_id IS NOT NULL"
                " UNION ALL"
                " SELECT a.thread_id, c.message_id, 'contribution' AS kind, c.id,"
                " p.published_at FROM contributions c JOIN arguments a ON a.id = c.argument_id"
                " JOIN pieces p ON p.id = a.piece_id"
                " WHERE p.guild_id = $1 AND p.state = 'published' AND p.published_at >= $2"
                " AND a.thread_id IS NOT NULL AND c.message_id IS NOT NULL"
                " AND c.withdrawn_at IS NULL"
                f" ORDER BY published_at DESC, kind, target_id LIMIT {int(limit)}",
                guild_id, utc(since))
        return [(int(r["thread_id"]), int(r["message_id"]),
                 VoteTarget("argument" if r["kind"] == "argument" else "contribution",
                            int(r["target_id"])))
                for r in rows]
