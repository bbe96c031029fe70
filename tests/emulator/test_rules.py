"""The emulator's rules without any network: permissions, body limits, rate-limit buckets."""

from __future__ import annotations

import pytest

from bot.emulator import Emulator
from bot.emulator.errors import APIError
from bot.emulator.permissions import FLAGS, names_of
from bot.emulator.ratelimit import BucketRule, RateLimiter
from bot.emulator.validation import check_message, check_thread

SEND = FLAGS["SEND_MESSAGES"]
VIEW = FLAGS["VIEW_CHANNEL"]
EMBED = FLAGS["EMBED_LINKS"]
IN_THREADS = FLAGS["SEND_MESSAGES_IN_THREADS"]


@pytest.fixture
def emu() -> Emulator:
    return Emulator(token="rules")


def test_everyone_and_roles_combine(emu: Emulator) -> None:
    guild = emu.add_guild("g")
    channel = guild.add_text_channel("c")
    guild.everyone.permissions = VIEW
    writer = guild.add_role("writer", ["SEND_MESSAGES"])
    alice = guild.add_member("alice", roles=[writer])
    bob = guild.add_member("bob")
    assert guild.permissions_for(alice, channel) & SEND
    assert not guild.permissions_for(bob, channel) & SEND


def test_administrator_and_owner_bypass_overwrites(emu: Emulator) -> None:
    guild = emu.add_guild("g")
    channel = guild.add_text_channel("c")
    admin = guild.add_member("admin", permissions=["ADMINISTRATOR"])
    emu.deny(channel, "VIEW_CHANNEL", "SEND_MESSAGES")
    assert guild.permissions_for(admin, channel) & SEND
    assert guild.permissions_for(guild.owner_id, channel) & SEND


def test_overwrite_order_everyone_roles_member(emu: Emulator) -> None:
    guild = emu.add_guild("g")
    channel = guild.add_text_channel("c")
    speaker = guild.add_role("speaker")
    muted = guild.add_role("muted")
    alice = guild.add_member("alice", roles=[speaker])
    bob = guild.add_member("bob", roles=[speaker, muted])
    emu.deny(channel, "SEND_MESSAGES")  # @everyone
    emu.allow(channel, "SEND_MESSAGES", target=speaker)
    assert guild.permissions_for(alice, channel) & SEND  # role allow beats @everyone deny
    emu.deny(channel, "SEND_MESSAGES", target=muted)
    # Role allows and denies combine before applying; the allow wins over the deny.
    assert guild.permissions_for(bob, channel) & SEND
    emu.deny(channel, "SEND_MESSAGES", target=bob)
    assert not guild.permissions_for(bob, channel) & SEND  # the member overwrite is last


def test_implicit_denials(emu: Emulator) -> None:
    guild = emu.add_guild("g")
    channel = guild.add_text_channel("c")
    alice = guild.add_member("alice")
    emu.deny(channel, "SEND_MESSAGES")
    perms = guild.permissions_for(alice, channel)
    assert perms & VIEW and not perms & EMBED  # no SEND: no embeds or files either
    emu.deny(channel, "VIEW_CHANNEL")
    assert guild.permissions_for(alice, channel) == 0


def test_threads_use_parent_overwrites_and_thread_send(emu: Emulator) -> None:
    guild = emu.add_guild("g")
    channel = guild.add_text_channel("c")
    alice = guild.add_member("alice")
    msg = emu.state.create_message(channel, alice.user, {"content": "x"}, announce=False)
    thread = emu.state.create_thread(channel, alice.user, {"name": "t"}, starter=msg)
    emu.deny(channel, "SEND_MESSAGES")
    perms = guild.permissions_for(alice, thread)
    assert perms & IN_THREADS and perms & EMBED  # threads hinge on SEND_MESSAGES_IN_THREADS
    emu.deny(thread, "SEND_MESSAGES_IN_THREADS")  # lands on the parent's overwrite
    assert not guild.permissions_for(alice, thread) & IN_THREADS
    assert "VIEW_CHANNEL" in names_of(guild.permissions_for(alice, thread))


def test_bot_permissions_are_configurable(emu: Emulator) -> None:
    guild = emu.add_guild("g", bot_permissions=["VIEW_CHANNEL"])
    guild.everyone.permissions = 0
    channel = guild.add_text_channel("c")
    assert names_of(emu.state.bot_permissions(channel)) == ["VIEW_CHANNEL"]


def _code(exc: pytest.ExceptionInfo[APIError]) -> int:
    return exc.value.code


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"content": "x" * 2001}, ("content",)),
        ({"embeds": [{"title": "t" * 257}]}, ("embeds", "0", "title")),
        ({"embeds": [{"description": "d" * 4097}]}, ("embeds", "0", "description")),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, ("embeds", "0", "fields")),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, ("embeds", "0")),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, ("embeds", "0", "footer")),
        ({"embeds": [{"title": "t"}] * 11}, ("embeds",)),
        ({"components": [{"type": 1, "components": []}] * 6}, ("components",)),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "l"}]}]},
            ("components", "0", "components", "0", "custom_id"),
        ),
        (
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "custom_id": f"b{i}", "label": "l"}
                            for i in range(6)
                        ],
                    }
                ]
            },
            ("components", "0", "components"),
        ),
    ],
)
def test_message_limits(payload: dict, path: tuple[str, ...]) -> None:
    with pytest.raises(APIError) as exc:
        check_message(payload, file_count=0)
    assert _code(exc) == 50035
    node = exc.value.errors
    for part in path:
        assert node is not None
        node = node[part]


def test_message_limits_at_the_edge_pass() -> None:
    check_message(
        {
            "content": "x" * 2000,
            "embeds": [
                {"title": "t" * 256, "description": "d" * 4096},
                {"fields": [{"name": "n", "value": "v"}] * 25},
            ],
        },
        file_count=0,
    )
    with pytest.raises(APIError) as exc:
        check_message(
            {"embeds": [{"description": "d" * 4096}, {"description": "d" * 1905}]}, file_count=0
        )
    assert exc.value.errors == {
        "embeds": {
            "_errors": [
                {
                    "code": "MAX_EMBED_SIZE_EXCEEDED",
                    "message": "Embed size exceeds maximum size of 6000",
                }
            ]
        }
    }


def test_empty_message_and_thread_names() -> None:
    with pytest.raises(APIError) as empty:
        check_message({"content": ""}, file_count=0)
    assert empty.value.code == 50006
    check_message({}, file_count=1)  # a file alone is a message
    check_thread({"name": "n" * 100})
    with pytest.raises(APIError):
        check_thread({"name": "n" * 101})
    with pytest.raises(APIError):
        check_thread({"name": ""})
    with pytest.raises(APIError):
        check_thread({"name": "ok", "auto_archive_duration": 30})


def test_bucket_per_major_parameter_with_headers() -> None:
    limiter = RateLimiter(scale=100.0)  # long windows: nothing resets during the test
    route = "/channels/{channel_id}/messages"
    for _ in range(5):
        ok = limiter.check("POST", route, "channel:1", "/x", counts_global=True)
        assert ok.allowed
    assert ok.headers["X-RateLimit-Remaining"] == "0"
    assert ok.headers["X-RateLimit-Limit"] == "5"
    assert float(ok.headers["X-RateLimit-Reset-After"]) > 0
    denied = limiter.check("POST", route, "channel:1", "/x", counts_global=True)
    assert not denied.allowed and denied.scope == "user" and denied.retry_after > 0
    assert denied.headers["X-RateLimit-Scope"] == "user"
    # That request ignored "Remaining: 0": it is on record as early.
    assert len(limiter.early) == 1
    other = limiter.check("POST", route, "channel:2", "/y", counts_global=True)
    assert other.allowed and other.bucket == denied.bucket  # same hash, own counter


def test_global_limit_and_exemptions() -> None:
    limiter = RateLimiter(scale=100.0, global_limit=3)
    for i in range(3):
        assert limiter.check(
            "GET", "/channels/{channel_id}", f"channel:{i}", "/", counts_global=True
        ).allowed
    blocked = limiter.check("GET", "/channels/{channel_id}", "channel:9", "/", counts_global=True)
    assert not blocked.allowed and blocked.is_global
    assert blocked.headers["X-RateLimit-Global"] == "true"
    # Interaction callbacks and webhooks are not under the global limit.
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    assert limiter.check("POST", callback, "i:1", "/", counts_global=False).allowed


def test_scaling_disabling_and_custom_rules() -> None:
    rules = {("POST", "/r"): BucketRule("tight", 1, 10.0)}
    limiter = RateLimiter(enabled=False, rules=rules)
    assert all(limiter.check("POST", "/r", "", "/r", counts_global=True).allowed for _ in range(5))
    scaled = RateLimiter(scale=0.5, rules=rules)
    first = scaled.check("POST", "/r", "", "/r", counts_global=True)
    assert float(first.headers["X-RateLimit-Reset-After"]) <= 5.0


def test_forced_429_then_recovers() -> None:
    limiter = RateLimiter()
    limiter.force_429(2, retry_after=0.5)
    forced = [limiter.check("GET", "/g", "", "/g", counts_global=True) for _ in range(3)]
    assert [d.allowed for d in forced] == [False, False, True]
    assert forced[0].retry_after == 0.5
    # The second came before the first one's retry_after: an early retry.
    assert len(limiter.early) == 2


def test_buckets_and_the_global_limit_are_per_token() -> None:
    limiter = RateLimiter(scale=100.0, global_limit=3)
    route = "/channels/{channel_id}/messages"
    for token in ("a", "b"):
        for _ in range(3):
            assert limiter.check("POST", route, "channel:1", "/x", counts_global=True,
                                 token=token).allowed
        blocked = limiter.check("POST", route, "channel:1", "/x", counts_global=True,
                                token=token)
        assert not blocked.allowed and blocked.is_global
    # Nobody's token (a public route) is a caller of its own, by IP address.
    assert limiter.check("GET", "/gateway", "", "/gateway", counts_global=True).allowed
    assert limiter.early == []


def test_interaction_routes_are_keyed_by_their_own_token_whoever_the_bot() -> None:
    limiter = RateLimiter(scale=100.0)
    webhook = "/webhooks/{webhook_id}/{webhook_token}"
    # The same webhook id + token: one bucket, whatever bot the interaction belongs to.
    decisions = [limiter.check("POST", webhook, "webhook:1:t", "/w", counts_global=False,
                               bot=bot) for bot in ("a", "b", "a", "b", "a", "b")]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert limiter.check("POST", webhook, "webhook:1:u", "/w", counts_global=False,
                         bot="a").allowed


def test_forced_429_aimed_at_a_token() -> None:
    limiter = RateLimiter()
    limiter.force_429(1, retry_after=0.5, token="b")
    limiter.force_429(1, retry_after=0.25, route="/g", method="get", token="b")
    assert limiter.check("GET", "/g", "", "/g", counts_global=True, token="a").allowed
    # The most specific aim first: route and method, then any call of that bot.
    first = limiter.check("GET", "/g", "", "/g", counts_global=True, token="b")
    assert not first.allowed and first.retry_after == 0.25
    # On an interaction route the call carries no bot token; it is aimed at by its bot.
    second = limiter.check("POST", "/i", "i:1", "/i", counts_global=False, bot="b")
    assert not second.allowed and second.retry_after == 0.5
    assert limiter.check("GET", "/h", "", "/h", counts_global=True, token="b").allowed
