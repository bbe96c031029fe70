"""The one storage interface of Counterpoint: every domain's queries on one backend.

Services call these methods; nothing outside ``bot.store`` writes SQL. Each method is one
atomic unit of work. Methods take and return the frozen dataclasses of
:mod:`bot.store.records`. Every ``now`` parameter defaults to the current UTC time and exists
so that tests and the offline commands can pin the clock; datetimes must be timezone-aware.

Each domain's queries live in a module of their own and are written once for both backends;
a backend (:class:`bot.store.sqlite.SQLiteStore`, :class:`bot.store.postgres.PostgresStore`)
fills in what :class:`bot.store.base.Backend` leaves open.
"""

from __future__ import annotations

from bot.store.boards import BoardQueries
from bot.store.datarights import DataRightsQueries
from bot.store.debate import DebateQueries
from bot.store.feeds import FeedQueries
from bot.store.gates import GateQueries
from bot.store.moderation import ModerationQueries
from bot.store.pieces import PieceQueries
from bot.store.reviews import ReviewQueries
from bot.store.settings import SettingsQueries
from bot.store.shards import ShardQueries
from bot.store.subscriptions import SubscriptionQueries
from bot.store.summaries import SummaryQueries
from bot.store.votes import VoteQueries


class Store(
    SettingsQueries,
    FeedQueries,
    SubscriptionQueries,
    ReviewQueries,
    PieceQueries,
    DebateQueries,
    VoteQueries,
    ModerationQueries,
    SummaryQueries,
    GateQueries,
    BoardQueries,
    DataRightsQueries,
    ShardQueries,
):
    """Abstract store; :func:`bot.store.open_store` returns a SQLite or PostgreSQL one."""
