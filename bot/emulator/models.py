"""The emulator's world: users, guilds, roles, members, channels, threads, messages.

Each object renders itself in Discord's v10 wire shape (``to_dict``), checked against the
OpenAPI schemas in the spec test. Guilds double as the builder API tests use
(``guild.add_text_channel(...)``), which is why they keep a reference to the state that hands
out ids and stores objects.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import permissions as perms

if TYPE_CHECKING:
    from .state import State

DISCORD_EPOCH_MS = 1420070400000

# Channel types used here (Discord's "Channel Types" table).
GUILD_TEXT = 0
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
GUILD_FORUM = 15

THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

# Message flags (Discord's "Message Flags").
FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7

# Forum channel flag: posts must carry at least one tag.
FLAG_REQUIRE_TAG = 1 << 4


def iso(ts: float | None) -> str | None:
    """Discord's ISO 8601 timestamps, always UTC with an explicit offset."""
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="microseconds")


class Snowflakes:
    """Time-based snowflakes, strictly increasing so ordering by id is ordering by creation."""

    def __init__(self) -> None:
        self._last = 0
        self._past: set[int] = set()

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate

    def at(self, ts: float) -> int:
        """A new id made at ``ts`` (seconds since the Unix epoch), e.g. a user whose account
        is older than the emulator: the time part as Discord's, the low 22 bits (worker,
        process, increment) telling apart ids of the same millisecond."""
        base = (int(ts * 1000) - DISCORD_EPOCH_MS) << 22
        if base < 0:
            raise ValueError("a snowflake cannot predate Discord's epoch (2015)")
        candidate = base
        while candidate in self._past or candidate == self._last:
            candidate += 1
        self._past.add(candidate)
        return candidate

    @staticmethod
    def timestamp(snowflake: int) -> float:
        return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000


def _id(obj: Any) -> int:
    """Accept a model, anything with an ``id`` (discord.py objects too), or an int/str id."""
    if isinstance(obj, int):
        return obj
    if isinstance(obj, str):
        return int(obj)
    return int(obj.id)


@dataclass(eq=False)
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "collectibles": None,
            "primary_guild": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(eq=False)
class Role:
    id: int
    guild: Guild
    name: str
    permissions: int
    position: int = 0
    managed: bool = False
    bot_id: int | None = None
    color: int = 0
    hoist: bool = False
    mentionable: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


class UserBacked:
    """Someone who is a user underneath (a guild member, a bot's identity): the id and the
    name are the user's."""

    user: User

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username


@dataclass(eq=False)
class Member(UserBacked):
    user: User
    guild: Guild
    role_ids: list[int] = field(default_factory=list)
    joined_at: float = field(default_factory=time.time)
    nick: str | None = None

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "avatar_decoration_data": None,
            "banner": None,
            "collectibles": None,
            "roles": [str(r) for r in self.role_ids],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class ForumTag:
    id: int
    name: str
    moderated: bool = False
    emoji_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "moderated": self.moderated,
            "emoji_id": None,
            "emoji_name": self.emoji_name,
        }


@dataclass(eq=False)
class Channel:
    """A text (0) or forum (15) channel; threads are the :class:`Thread` subclass."""

    id: int
    guild: Guild
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    topic: str | None = None
    nsfw: bool = False
    rate_limit_per_user: int = 0
    parent_id: int | None = None
    flags: int = 0
    last_message_id: int | None = None
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    available_tags: list[ForumTag] = field(default_factory=list)
    default_auto_archive_duration: int = 4320

    @property
    def guild_id(self) -> int:
        return self.guild.id

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_forum(self) -> bool:
        return self.type == GUILD_FORUM

    def tag(self, name: str) -> ForumTag:
        """The forum tag called ``name`` (for ``applied_tags`` in tests)."""
        for tag in self.available_tags:
            if tag.name == name:
                return tag
        raise KeyError(name)

    def set_overwrite(
        self,
        target: Role | Member | Any,
        *,
        allow: int | Iterable[str] | None = None,
        deny: int | Iterable[str] | None = None,
    ) -> Overwrite:
        """Replace the overwrite for a role or member (bits or permission names)."""
        target_id = _id(target)
        kind = 0 if target_id in self.guild.roles else 1
        ow = Overwrite(target_id, kind, perms.value_of(allow), perms.value_of(deny))
        self.overwrites[target_id] = ow
        self.guild.state.channel_changed(self)
        return ow

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "flags": self.flags,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [ow.to_dict() for ow in self.overwrites.values()],
            "topic": self.topic,
            "nsfw": self.nsfw,
            "rate_limit_per_user": self.rate_limit_per_user,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "default_auto_archive_duration": self.default_auto_archive_duration,
            "default_thread_rate_limit_per_user": 0,
        }
        if self.is_forum:
            data["available_tags"] = [t.to_dict() for t in self.available_tags]
            data["default_reaction_emoji"] = None
            data["default_sort_order"] = None
            data["default_forum_layout"] = 0
        return data


@dataclass(eq=False)
class Thread(Channel):
    owner_id: int = 0
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 4320
    created_at: float = field(default_factory=time.time)
    archive_timestamp: float = field(default_factory=time.time)
    message_count: int = 0
    total_message_sent: int = 0
    member_ids: set[int] = field(default_factory=set)
    applied_tags: list[int] = field(default_factory=list)
    starter_message_id: int | None = None

    @property
    def parent(self) -> Channel:
        assert self.parent_id is not None
        return self.guild.channels[self.parent_id]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "flags": self.flags,
            "last_message_id": str(self.last_message_id) if self.last_message_id else None,
            "rate_limit_per_user": self.rate_limit_per_user,
            "message_count": self.message_count,
            "member_count": len(self.member_ids),
            "total_message_sent": self.total_message_sent,
            "thread_metadata": {
                "archived": self.archived,
                "archive_timestamp": iso(self.archive_timestamp),
                "auto_archive_duration": self.auto_archive_duration,
                "locked": self.locked,
                "create_timestamp": iso(self.created_at),
            },
        }
        if self.type == PRIVATE_THREAD:
            data["thread_metadata"]["invitable"] = self.invitable
        if self.parent_id is not None and self.parent.is_forum:
            data["applied_tags"] = [str(t) for t in self.applied_tags]
        return data


@dataclass(eq=False)
class Attachment:
    id: int
    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    url: str = ""

    @property
    def size(self) -> int:
        return len(self.data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            out["content_type"] = self.content_type
        if self.description:
            out["description"] = self.description
        return out


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    guild_id: int | None
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    type: int = 0
    flags: int = 0
    tts: bool = False
    edited_at: float | None = None
    message_reference: dict[str, Any] | None = None
    mentions: list[User] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    allowed_mentions: dict[str, Any] | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    thread_id: int | None = None
    position: int | None = None
    nonce: int | str | None = None

    @property
    def created_at(self) -> float:
        return Snowflakes.timestamp(self.id)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    def custom_ids(self) -> list[str]:
        """Every component custom_id on the message, depth first (for click_button)."""
        found: list[str] = []

        def walk(items: Iterable[dict[str, Any]]) -> None:
            for comp in items:
                if "custom_id" in comp:
                    found.append(comp["custom_id"])
                walk(comp.get("components", []))
                if "component" in comp:
                    walk([comp["component"]])
                if "accessory" in comp:
                    walk([comp["accessory"]])

        walk(self.components)
        return found

    def to_dict(self, state: State | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "author": self.author.to_dict(),
            "attachments": [a.to_dict() for a in self.attachments],
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "mentions": [u.to_dict() for u in self.mentions],
            "mention_roles": [str(r) for r in self.mention_roles],
            "mention_everyone": self.mention_everyone,
            "pinned": False,
            "tts": self.tts,
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.edited_at),
            "flags": self.flags,
        }
        if self.message_reference is not None:
            data["message_reference"] = dict(self.message_reference)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = copy.deepcopy(self.interaction_metadata)
        if self.position is not None:
            data["position"] = self.position
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if state is not None and self.thread_id is not None:
            thread = state.channels.get(self.thread_id)
            if thread is not None:
                data["thread"] = thread.to_dict()
        return data


class Guild:
    """A guild and the builder API tests use to shape it."""

    def __init__(self, state: State, guild_id: int, name: str, owner_id: int) -> None:
        self.state = state
        self.id = guild_id
        self.name = name
        self.owner_id = owner_id
        self.created = time.time()
        self.roles: dict[int, Role] = {}
        self.members: dict[int, Member] = {}
        self.channels: dict[int, Channel] = {}
        self.threads: dict[int, Thread] = {}
        self._positions = itertools.count()
        # @everyone shares the guild's id, as on Discord.
        self.roles[guild_id] = Role(guild_id, self, "@everyone", perms.DEFAULT_EVERYONE, 0)

    def __repr__(self) -> str:
        return f"<emulator Guild id={self.id} name={self.name!r}>"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    @property
    def bot_member(self) -> Member:
        return self.members[self.state.acting.user.id]

    @property
    def bot_role(self) -> Role:
        """The managed role Discord gives a bot when it joins with permissions."""
        for role in self.roles.values():
            if role.bot_id == self.state.acting.user.id:
                return role
        raise LookupError("bot role missing")

    # -- builder API -------------------------------------------------------------------------

    def add_text_channel(
        self, name: str, *, topic: str | None = None, rate_limit_per_user: int = 0
    ) -> Channel:
        channel = Channel(
            self.state.ids.next(),
            self,
            name,
            GUILD_TEXT,
            position=next(self._positions),
            topic=topic,
            rate_limit_per_user=rate_limit_per_user,
        )
        self.channels[channel.id] = channel
        self.state.channel_added(channel)
        return channel

    def add_forum_channel(
        self,
        name: str,
        *,
        tags: Iterable[str | dict[str, Any]] = (),
        require_tag: bool = False,
        topic: str | None = None,
    ) -> Channel:
        """A forum (type 15); ``tags`` are names or ``{"name", "moderated", "emoji_name"}``."""
        forum_tags: list[ForumTag] = []
        for tag in tags:
            spec = {"name": tag} if isinstance(tag, str) else dict(tag)
            forum_tags.append(
                ForumTag(
                    self.state.ids.next(),
                    spec["name"],
                    bool(spec.get("moderated", False)),
                    spec.get("emoji_name"),
                )
            )
        if len(forum_tags) > 20:
            raise ValueError("a forum holds at most 20 tags")
        channel = Channel(
            self.state.ids.next(),
            self,
            name,
            GUILD_FORUM,
            position=next(self._positions),
            topic=topic,
            available_tags=forum_tags,
            flags=FLAG_REQUIRE_TAG if require_tag else 0,
        )
        self.channels[channel.id] = channel
        self.state.channel_added(channel)
        return channel

    def add_role(
        self, name: str, permissions: int | Iterable[str] | None = None, **kwargs: Any
    ) -> Role:
        role = Role(
            self.state.ids.next(),
            self,
            name,
            perms.value_of(permissions),
            position=len(self.roles),
            **kwargs,
        )
        self.roles[role.id] = role
        self.state.role_added(role)
        return role

    def add_member(
        self,
        name: str,
        *,
        roles: Iterable[Role | int] = (),
        permissions: int | Iterable[str] | None = None,
        nick: str | None = None,
        created_at: float | None = None,
        joined_at: float | None = None,
    ) -> Member:
        """A member; ``permissions`` gives them a personal role with exactly those bits.

        ``created_at`` (Unix seconds) dates their account, through their id as on Discord;
        ``joined_at`` dates their joining the guild (sent with every interaction, as
        Discord does). Both default to now."""
        user = self.state.add_user(name, created_at=created_at)
        member = Member(user, self, [_id(r) for r in roles], nick=nick)
        if joined_at is not None:
            member.joined_at = joined_at
        if permissions is not None:
            member.role_ids.append(self.add_role(f"{name}-role", permissions).id)
        self.members[user.id] = member
        self.state.member_added(member)
        return member

    def permissions_for(self, member: Member | int | Any, channel: Channel | int | None) -> int:
        """Discord's documented computation; ``channel`` None gives guild-level permissions."""
        m = self.members[_id(member)]
        base = perms.compute_base(
            everyone_perms=self.everyone.permissions,
            role_perms=(self.roles[r].permissions for r in m.role_ids if r in self.roles),
            is_owner=m.id == self.owner_id,
        )
        if channel is None:
            return base
        ch = self.state.channels[_id(channel)]
        send_bit: int | None = perms.SEND_MESSAGES
        if isinstance(ch, Thread):
            send_bit = perms.FLAGS["SEND_MESSAGES_IN_THREADS"]
            ch = ch.parent
        ows = ch.overwrites
        everyone = ows.get(self.id)
        member_ow = ows.get(m.id)
        return perms.apply_overwrites(
            base,
            everyone=(everyone.allow, everyone.deny) if everyone else None,
            roles=[(ows[r].allow, ows[r].deny) for r in m.role_ids if r in ows],
            member=(member_ow.allow, member_ow.deny) if member_ow else None,
            send_bit=send_bit,
        )

    # -- wire shapes -------------------------------------------------------------------------

    def to_create_payload(self, *, all_members: bool) -> dict[str, Any]:
        """GUILD_CREATE's ``d``: full enough for discord.py's Guild, channels and members."""
        members = list(self.members.values()) if all_members else [self.bot_member]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "application_id": None,
            "vanity_url_code": None,
            "home_header": None,
            "region": "deprecated",
            "widget_enabled": False,
            "widget_channel_id": None,
            "max_presences": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw": False,
            "incidents_data": None,
            "features": [],
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "joined_at": iso(self.bot_member.joined_at),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "member_count": len(self.members),
            "members": [m.to_dict() for m in members],
            "channels": [c.to_dict() for c in self.channels.values()],
            "threads": [t.to_dict() for t in self.threads.values() if not t.archived],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }
