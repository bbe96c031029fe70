"""``python -m bot sandbox``: the real bot against the Discord emulator, with no token, no network.

Everything runs on 127.0.0.1 in this process: the emulator (Discord's v10 REST and gateway),
a small newspaper site serving a feed of sample pieces, and the real ``CounterpointBot`` over
real websockets and HTTP. A moderator posts the newest piece of the feed with ``/piece post``;
simulated members vote, counter and rebut by clicking the bot's real buttons and submitting
its real modals; then the transcript shows what a member of the server would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import discord
from aiohttp import web

from bot.client import CounterpointBot, StartupError, create_bot
from bot.config import Settings
from bot.debate import parse_custom_id
from bot.emulator import (
    BotIdentity,
    Channel,
    DiscordPyPointer,
    Emulator,
    InteractionRecord,
    Member,
    Message,
    Thread,
)
from bot.emulator.markup import render
from bot.pipeline import read_file
from bot.store import VoteTarget
from bot.summaries import IsoWeek, build_summary, to_markdown
from bot.webserve import serve

SAMPLES = Path(__file__).resolve().parent / "samples"
#: The newest piece first: it is the one the sandbox posts.
SAMPLE_PIECES = ("city_bike_lanes.txt",)
#: Published by the feed after the first is posted; it goes through review.
REVIEWED_PIECES = ("remote_exams.txt",)
#: How ``/piece post`` reports that it is done, one way or the other (see cogs/pieces.py).
_FINAL_REPLIES = ("Posted in", "Not posted", "Already posted", "I could not", "That is not")
_TIMEOUT = 45.0
_WIDTH = 96

#: What the scripted members write, about whichever piece is posted: each opens by quoting
#: the argument it answers (``On "…": ``), so it reads as an answer to that argument.
COUNTER_TEXT = (
    "This assumes the benefit lands where the cost does. Often it does not: the people who pay "
    "for a change are rarely the people who collect its rewards, and the argument skips that.")
REBUTTAL_TEXT = (
    "The argument does not need the payers and the gainers to be the same people. It holds "
    "as long as what is gained outweighs what is paid, and the counterargument does not "
    "dispute that.")
#: How much of an argument's title the scripted texts quote.
_QUOTED = 60

MIND_CHANGED_TEXT = "I had not thought about who pays and who gains."


def quoting(argument_title: str, text: str) -> str:
    """``text`` as an answer to the argument titled ``argument_title``."""
    quoted = textwrap.shorten(argument_title.rstrip("."), _QUOTED, placeholder="…")
    return f'On "{quoted}": {text}'


class SandboxError(RuntimeError):
    """The sandbox could not show the flow; the message says at which step."""


# --- a discord.py client on the emulator -----------------------------------------------------

ClientT = TypeVar("ClientT", bound=discord.Client)


class NotReady(TimeoutError):
    """The client did not become ready on the emulator in time (nor stop with an error)."""


def emulator_settings(database_url: str, **changes: Any) -> Settings:
    """Settings of the real bot on the emulator: ``database_url``, the emulator's default
    token, and loopback addresses allowed (sites served on 127.0.0.1 stand for the web, and
    the address guard refuses them by default). ``changes`` replace fields of the result."""
    base = Settings.from_env({"COUNTERPOINT_DATABASE_URL": database_url,
                              "COUNTERPOINT_ALLOW_PRIVATE_ADDRESSES": "true",
                              "DISCORD_TOKEN": "emulator-token"}, dotenv=None)
    return replace(base, **changes)


@dataclass
class RunningBot(Generic[ClientT]):
    """A discord.py client connected to an emulator; :meth:`stop` undoes the start."""

    bot: ClientT
    task: asyncio.Task[None]
    pointer: DiscordPyPointer

    async def stop(self) -> None:
        """A clean shutdown; discord.py points at Discord again afterwards."""
        try:
            await self.bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        finally:
            self.pointer.restore()


async def start_client(emu: Emulator, client: ClientT, *, ready: asyncio.Event | None = None,
                       within: float = _TIMEOUT, token: str | None = None
                       ) -> RunningBot[ClientT]:
    """Point discord.py at ``emu``, start ``client`` with ``token`` (by default the emulator's
    own bot's; another from ``emu.add_bot``) and wait for ``ready`` (by default discord.py's
    own ready). Raises the client's error if it stopped, else :class:`NotReady`; either way
    discord.py is pointed back at Discord."""
    pointer = emu.point_discord_py_here()
    task = asyncio.create_task(client.start(token or emu.token), name="bot-on-emulator")
    waiter = asyncio.create_task(ready.wait() if ready is not None else client.wait_until_ready())
    try:
        done, _ = await asyncio.wait({task, waiter}, timeout=within,
                                     return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        # Stopped while starting (SIGTERM, Ctrl-C): close what started, or the database
        # threads it opened would keep the process from exiting.
        waiter.cancel()
        task.cancel()
        try:
            await asyncio.wait({task})  # the start given up first: nothing more opens
            await client.close()
        finally:
            pointer.restore()
        raise
    if waiter not in done:
        waiter.cancel()
        try:
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            # What the start opened (the bot's store, its threads included) must go too, or
            # they keep the process alive after the error is reported.
            await client.close()
        finally:
            pointer.restore()
        if not task.cancelled() and task.exception() is not None:
            task.result()  # why the client stopped
        raise NotReady("the bot did not become ready on the emulator")
    return RunningBot(client, task, pointer)


async def start_bot(emu: Emulator, settings: Settings, *, within: float = _TIMEOUT,
                    **options: Any) -> RunningBot[CounterpointBot]:
    """The real bot (``create_bot(settings, **options)``) on ``emu``, once it has resumed
    unfinished pieces."""
    bot = create_bot(settings, **{"guild_ready_timeout": 0.05, **options})
    return await start_client(emu, bot, ready=bot.resumed, within=within)


# --- the newspaper site ----------------------------------------------------------------------

@dataclass
class SamplePiece:
    slug: str
    title: str
    body: str
    content_type: str


def sample_piece(path: Path) -> SamplePiece:
    """A piece to serve: its title comes from the same extraction the bot uses."""
    article = read_file(path)
    return SamplePiece(
        slug=path.stem.replace(" ", "-"),
        title=article.title or path.stem.replace("_", " ").capitalize(),
        body=path.read_text(encoding="utf-8-sig"),
        content_type="text/html" if path.suffix.lower() in {".html", ".htm"} else "text/plain",
    )


@dataclass
class FeedSite:
    """A local site: ``/feed.xml`` (RSS 2.0, newest first) and one page per piece.

    The feed carries only a teaser, as most outlets' feeds do, so the bot reads each piece
    from its page exactly as it would from a real site.
    """

    pieces: Sequence[SamplePiece]
    runner: web.AppRunner | None = None
    base: str = ""
    #: Pieces the site publishes later (``publish``), newest first: held back until then.
    later: list[SamplePiece] = field(default_factory=list)

    async def start(self) -> FeedSite:
        self.runner, port = await serve({"/feed.xml": self._feed, "/pieces/{slug}": self._page})
        self.base = f"http://127.0.0.1:{port}"
        return self

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def page_url(self, piece: SamplePiece) -> str:
        return f"{self.base}/pieces/{piece.slug}"

    def publish(self, piece: SamplePiece) -> None:
        """``piece`` becomes the feed's newest entry (and its page is served)."""
        self.pieces = [piece, *(p for p in self.pieces if p.slug != piece.slug)]

    async def _feed(self, request: web.Request) -> web.Response:
        now = datetime.now(UTC)
        items = []
        for age, piece in enumerate(self.pieces):
            teaser = piece.body.strip().split("\n\n", 1)[0][:200]
            items.append(
                "<item>"
                f"<title>{html.escape(piece.title)}</title>"
                f"<link>{html.escape(self.page_url(piece))}</link>"
                f"<guid isPermaLink=\"false\">sandbox-{html.escape(piece.slug)}</guid>"
                f"<pubDate>{format_datetime(now - timedelta(hours=age))}</pubDate>"
                f"<description>{html.escape(teaser)}</description>"
                "</item>")
        body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                "<title>The Sandbox Review</title>"
                f"<link>{self.base}/</link><description>Sample commentary</description>"
                + "".join(items) + "</channel></rss>")
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8")

    async def _page(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        for piece in self.pieces:
            if piece.slug == slug:
                return web.Response(text=piece.body, content_type=piece.content_type,
                                    charset="utf-8")
        return web.Response(status=404, text="not found")

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


# --- the server and its members --------------------------------------------------------------

@dataclass
class Sandbox:
    emu: Emulator
    site: FeedSite
    running: RunningBot[CounterpointBot]
    channel: Channel
    moderator: Member
    members: list[Member]
    log: list[str] = field(default_factory=list)

    @property
    def bot(self) -> CounterpointBot:
        return self.running.bot

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # a bot that failed has said so already
            await self.running.stop()
        await self.site.stop()
        await self.emu.stop()


async def open_sandbox(pieces: Sequence[SamplePiece], database_url: str,
                       later: Sequence[SamplePiece] = ()) -> Sandbox:
    emu = await Emulator().start()
    guild = emu.add_guild("Counterpoint Sandbox")
    channel = guild.add_text_channel("debates")
    moderator = guild.add_member("Morgan", permissions=["ADMINISTRATOR"])
    members = [guild.add_member(name) for name in ("Ada", "Ben", "Cleo", "Dev")]
    site = await FeedSite(pieces, later=list(later)).start()
    settings = emulator_settings(database_url, discord_token=emu.token, log_level="WARNING")
    try:
        running = await start_bot(emu, settings)
    except BaseException as exc:  # a stop signal too: nothing may outlive the sandbox
        await site.stop()
        await emu.stop()
        if not isinstance(exc, Exception):
            raise
        if isinstance(exc, NotReady | StartupError):
            raise SandboxError(str(exc)) from None
        raise SandboxError(f"the bot did not start: {exc}") from exc
    return Sandbox(emu, site, running, channel, moderator, members)


# --- what members do -------------------------------------------------------------------------

def _reply(record: InteractionRecord) -> str:
    original = record.original
    if original is not None and original.content:
        return original.content
    data = record.callback_data or {}
    return str(data.get("content") or "")


async def post_piece(box: Sandbox, url: str) -> str:
    record = await box.emu.run_slash_command(box.moderator, box.channel, "piece post",
                                             {"url": url, "channel": box.channel})
    await record.wait_response(timeout=_TIMEOUT)
    await record.wait_for(lambda r: _reply(r).startswith(_FINAL_REPLIES), _TIMEOUT)
    return _reply(record)


def bot_messages(box: Sandbox, channel: Channel | Thread) -> list[Message]:
    return [m for m in box.emu.messages(channel) if m.author.id == box.emu.bot_user.id]


def buttons(message: Message) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = list(reversed(message.components or []))
    while stack:
        item = stack.pop()
        if item.get("type") == 2:
            found.append(item)
        stack.extend(reversed(item.get("components") or []))
    return found


def opening(box: Sandbox, thread: Thread) -> Message:
    """The argument's opening message that carries its controls (its last chunk)."""
    for message in bot_messages(box, thread):
        if any(str(b.get("custom_id", "")).startswith("cp:c:") for b in buttons(message)):
            return message
    raise SandboxError(f"thread {thread.name!r} has no argument controls")


def labels(message: Message) -> list[str]:
    return [str(b.get("label")) for b in buttons(message)]


def _button(message: Message, prefix: str) -> str:
    for item in buttons(message):
        if str(item.get("label", "")).startswith(prefix):
            return str(item["custom_id"])
    raise SandboxError(f"no {prefix!r} button on message {message.id}")


_NUMBERED = re.compile(r"(\d+)\.\s*(.*)", re.DOTALL)


def argument_of(thread: Thread) -> tuple[str, str]:
    """The number and title of the argument a thread is for (its name is "1. Title")."""
    match = _NUMBERED.fullmatch(thread.name)
    return (match[1], match[2]) if match else ("", thread.name)


def on_argument(thread: Thread) -> str:
    """An argument as "What members did" names it: its number and the start of its title."""
    number, title = argument_of(thread)
    title = textwrap.shorten(title.rstrip("."), _QUOTED, placeholder="…")
    return f'argument {number} ("{title}")'


def on_counter(author: Member, thread: Thread) -> str:
    return f"{author.name}'s counterargument to argument {argument_of(thread)[0]}"


async def click(box: Sandbox, member: Member, message: Message, label: str, on: str) -> str:
    """Click ``label`` on ``message`` (what ``on`` names: the argument or counterargument)."""
    record = await box.emu.click_button(member, message, _button(message, label))
    await record.wait_response(timeout=_TIMEOUT)
    reply = _reply(record)
    box.log.append(f"{member.name} clicks {label} on {on}: {reply}")
    return reply


async def fill_form(box: Sandbox, member: Member, message: Message, label: str, text: str,
                    where: Thread, on: str) -> str:
    """Click a button that opens a form (Counter, Rebut, Changed my mind), fill it in, send it."""
    record = await box.emu.click_button(member, message, _button(message, label))
    await record.wait_response(timeout=_TIMEOUT)
    if record.modal is None:
        raise SandboxError(f"{label} did not open a form: {_reply(record)}")
    inputs = [c for row in record.modal.get("components", [])
              for c in row.get("components", [])]
    submitted = await box.emu.submit_modal(member, where, record.modal["custom_id"],
                                           {inputs[0]["custom_id"]: text}, message=message)
    await submitted.wait_response(timeout=_TIMEOUT)
    await submitted.wait_for(lambda r: bool(_reply(r)), _TIMEOUT)
    box.log.append(f"{member.name} clicks {label} on {on}: {_reply(submitted)}")
    return _reply(submitted)


async def write(box: Sandbox, member: Member, message: Message, label: str, text: str,
                where: Thread, on: str) -> Message:
    """Counter or Rebut through the bot's form; returns the message the bot posted for it."""
    before = {m.id for m in bot_messages(box, where)}
    await fill_form(box, member, message, label, text, where, on)

    def posted() -> Message | None:
        return next((m for m in bot_messages(box, where) if m.id not in before), None)

    await box.emu.wait_for(posted, _TIMEOUT)
    found = posted()
    assert found is not None
    return found


# Who agrees (+1) or disagrees (-1) with argument i: deterministic, varied, with one switch
# and one withdrawal so the transcript shows both.
_VOTES: Sequence[Sequence[int]] = ((1, 1, -1, 1), (-1, 1, -1, 0), (1, -1, 1, 1), (1, 0, -1, -1))


async def debate(box: Sandbox, threads: Sequence[Thread]) -> None:
    ada, ben, cleo, dev = box.members
    for index, thread in enumerate(threads):
        controls = opening(box, thread)
        for member, value in zip(box.members, _VOTES[index % len(_VOTES)], strict=True):
            if value:
                await click(box, member, controls, "Agree" if value > 0 else "Disagree",
                            on_argument(thread))
    thread = threads[0]
    first, argument, title = opening(box, thread), on_argument(thread), argument_of(thread)[1]
    await click(box, dev, first, "Disagree", argument)   # Dev changes their mind: a switch
    counter = await write(box, ada, first, "Counter", quoting(title, COUNTER_TEXT), thread,
                          argument)
    countered = on_counter(ada, thread)
    await click(box, cleo, counter, "Agree", countered)
    await fill_form(box, dev, counter, "Changed my mind", MIND_CHANGED_TEXT, thread, countered)
    await write(box, ben, counter, "Rebut", quoting(title, REBUTTAL_TEXT), thread, countered)


async def withdraw_later(box: Sandbox, threads: Sequence[Thread]) -> None:
    """Cleo takes back her vote on the first argument by clicking it again. Done after the
    tallies settled: a second click within a second is taken for a double click."""
    cleo = box.members[2]
    await click(box, cleo, opening(box, threads[0]), "Disagree", on_argument(threads[0]))


async def settled(box: Sandbox, threads: Sequence[Thread]) -> None:
    """Wait until every message's buttons show the stored tallies (edits are coalesced)."""
    expected: dict[int, list[str]] = {}
    for thread in threads:
        for message in bot_messages(box, thread):
            target = _vote_target(message)
            if target is None:
                continue
            tally = await box.bot.store.tally(target)
            expected[message.id] = [f"Agree · {tally.agree}", f"Disagree · {tally.disagree}"]

    def shown() -> bool:
        return all(labels(box.emu.message(mid))[:2] == want for mid, want in expected.items())

    await box.emu.wait_for(shown, _TIMEOUT)


def _vote_target(message: Message) -> VoteTarget | None:
    for item in buttons(message):
        control = parse_custom_id(str(item.get("custom_id", "")))
        if control is not None and control.action == "vote":
            return control.target
    return None


# --- the transcript --------------------------------------------------------------------------

def _wrap(text: str, indent: str, *, first: str | None = None) -> list[str]:
    """``text`` in lines of ``_WIDTH``, broken only at spaces: a link stays whole on its line
    (however long), so it can be copied."""
    flat = " ".join(text.split())
    return textwrap.wrap(flat, _WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [indent]


def _paragraphs(text: str, indent: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap(paragraph, indent) if paragraph.strip() else [""]
    return lines


def render_card(box: Sandbox, message: Message) -> list[str]:
    lines = []
    for embed in message.embeds:
        lines.append(f"  ┃ {_named(box, embed.get('title', ''))}")
        if embed.get("url"):
            lines.append(f"  ┃ {embed['url']}")
        for item in embed.get("fields", []):
            lines.append(f"  ┃ {item['name']}: {_named(box, item['value'])}")
        lines += [f"  ┃ {line.strip()}" if line.strip() else "  ┃"
                  for line in _paragraphs(_named(box, embed.get("description", "")), "")]
        if embed.get("footer"):
            lines.append(f"  ┃ — {embed['footer'].get('text', '')}")
    return lines


_TIMESTAMP = re.compile(r"<t:\d+:[tTdDfFR]>")
_MENTION = re.compile(r"<(@!?|#|@&)(\d+)>")


def _named(box: Sandbox, text: str) -> str:
    """Mentions as a Discord client shows them: ``<@id>`` becomes ``@name``, ``<#id>``
    ``#channel``, ``<@&id>`` ``@role``; one it does not know stays as it is."""
    state = box.emu.state

    def shown(match: re.Match[str]) -> str:
        kind, snowflake = match[1], int(match[2])
        if kind == "#":
            channel = state.channels.get(snowflake)
            return f"#{channel.name}" if channel is not None else match[0]
        if kind == "@&":
            guild = box.emu.channel(box.channel).guild
            role = guild.roles.get(snowflake)
            return f"@{role.name}" if role is not None else match[0]
        user = state.users.get(snowflake)
        return f"@{user.username}" if user is not None else match[0]

    return _MENTION.sub(shown, text)


def render_thread(box: Sandbox, thread: Thread) -> list[str]:
    lines = [f"# {thread.name}"]
    messages = bot_messages(box, thread)
    openings = [m for m in messages if not _is_contribution(m)]
    for message in openings:
        lines += _paragraphs(_named(box, message.content or ""), "    ")
    if openings and buttons(openings[-1]):
        lines.append("    " + "  ".join(f"[{label}]" for label in labels(openings[-1])))
    for message in messages:
        if _is_contribution(message):
            lines.append("")
            body = _paragraphs(_named(box, message.content or ""), "        ")
            lines += ["      ↳ " + body[0].lstrip(), *body[1:]]
            lines.append("        " + "  ".join(f"[{label}]" for label in labels(message)))
    return lines


def _is_contribution(message: Message) -> bool:
    return any(str(b.get("custom_id", "")).startswith("cp:r:") for b in buttons(message))


def transcript(box: Sandbox, posted_reply: str, threads: Iterable[Thread],
               summary_markdown: str) -> str:
    cards = [m for m in box.emu.messages(box.channel) if m.embeds]
    lines = [
        "Counterpoint sandbox: the real bot on a local Discord emulator (no token, no network)",
        "",
        f"/piece post by {box.moderator.name} → {_named(box, posted_reply)}",
        "",
        f"#{box.channel.name}",
    ]
    for card in cards:
        lines += render_card(box, card)
    for thread in threads:
        lines.append("")
        lines += render_thread(box, thread)
    lines += ["", "What members did, in order (the totals after each click are those of what "
                  "was clicked):"]
    for entry in box.log:
        lines += _wrap(_named(box, entry), "    ", first="  - ")
    lines += ["", "Weekly summary (/summary):", ""] + [
        f"  {line}" if line else "" for line in summary_markdown.splitlines()]
    return "\n".join(lines).rstrip() + "\n"


def connection_details(box: Sandbox, threads: Sequence[Thread], client: BotIdentity) -> str:
    """What another client needs to connect to the running sandbox (``--keep``): as the
    Counterpoint bot itself, or as a bot of its own (``client``, added for it)."""
    guild = box.emu.channel(box.channel).guild
    lines = [
        "Still running, until Ctrl-C. To connect another client (the sandbox's Discord takes",
        "any bot token below; point the client's REST base and gateway at these URLs):",
        f"  REST base URL:      {box.emu.rest_url}",
        f"  Gateway URL:        {box.emu.gateway_url}",
        f"  Guild:              {guild.id} ({guild.name})",
        f"  Channel:            {box.channel.id} (#{box.channel.name})",
        *(f"  Thread:             {t.id} ({t.name})" for t in threads),
        *(f"  Member:             {m.user.id} ({m.user.username}"
          f"{', moderator' if m is box.moderator else ''})" for m in [box.moderator, *box.members]),
        f"  Feed:               {box.site.feed_url}",
        "  As the Counterpoint bot (sharing its session's events):",
        f"    Bot token:        {box.emu.token}",
        f"    Application id:   {box.emu.application_id}",
        "  As a bot of its own (its own user, commands and gateway session):",
        f"    Bot token:        {client.token}",
        f"    Application id:   {client.application_id}",
    ]
    return "\n".join(lines)


# --- review before posting ----------------------------------------------------------------------

async def _command(box: Sandbox, path: str, options: dict[str, Any]) -> str:
    """A moderator's slash command in #debates; its private reply."""
    record = await box.emu.run_slash_command(box.moderator, box.channel, path, options)
    await record.wait_response(timeout=_TIMEOUT)
    await record.wait_for(lambda r: bool(_answer(r)), _TIMEOUT)
    return _answer(record)


def _answer(record: InteractionRecord) -> str:
    """What a deferred or direct reply finally says."""
    texts = [m.content for m in [record.original, *record.followups]
             if m is not None and m.content]
    return texts[-1] if texts else _reply(record)


async def review_one(box: Sandbox) -> list[str]:
    """The feed's next piece, held for review and approved, as the moderator sees it."""
    if not box.site.later:
        return []
    guild = box.emu.channel(box.channel).guild
    reviews = guild.add_text_channel("reviews")
    policy = guild.add_text_channel("policy")
    lines = ["", "Review before posting: the moderator turns review on and follows the feed "
                 "into #policy; the feed's next piece waits in #reviews until approved.", ""]
    said = await _command(box, "config review", {"mode": "on", "channel": reviews})
    lines += _wrap(f"/config review mode:on channel:#reviews → {_named(box, said)}", "    ",
                   first="  ")
    said = await _command(box, "feed add", {"url": box.site.feed_url, "channel": policy})
    lines += _wrap(f"/feed add channel:#policy → {_named(box, said.splitlines()[0])}", "    ",
                   first="  ")
    box.site.publish(box.site.later.pop(0))
    feeds: Any = box.bot.get_cog("Feeds")
    review: Any = box.bot.get_cog("Review")
    # The next poll of the feed (its clock moved on to when it is due), and what the poll
    # loop's cycle event then does: the held piece's review message is posted.
    report = await feeds.poll_step(now=datetime.now(UTC) + timedelta(days=1))
    await review.on_feed_cycle(report)

    def shown() -> Message | None:
        return next((m for m in bot_messages(box, reviews) if buttons(m)), None)

    message = await box.emu.wait_for(shown, _TIMEOUT)
    if message is None:  # wait_for returns once it is shown
        raise SandboxError("the review message was not posted")
    lines += ["", "#reviews (what the moderators see)"]
    lines += _paragraphs(_named(box, message.content), "  ")
    card, threads = message.embeds[0], message.embeds[1:]
    lines += render_card(box, replace(message, embeds=[card]))
    for embed in threads:
        lines.append(f"  ┃ {embed.get('title', '')}:")
        for item in embed.get("fields", []):
            lines += _wrap(f"{render(item['name']).text} — {render(item['value']).text}",
                           "  ┃     ", first="  ┃   ")
    lines.append("  " + "  ".join(f"[{label}]" for label in labels(message)))
    record = await box.emu.click_button(box.moderator, message, _button(message, "Approve"))
    await record.wait_response(timeout=_TIMEOUT)
    await record.wait_for(lambda r: _answer(r).startswith("Approved"), _TIMEOUT)
    approved = _named(box, _answer(record))
    lines += ["", *_wrap(f"{box.moderator.name} clicks Approve → {approved}", "    ",
                         first="  ")]
    decided = box.emu.message(message.id).content.splitlines()[0]
    lines += _wrap("The review message now reads: " + _TIMESTAMP.sub(
        "just now", _named(box, decided)), "    ", first="  ")
    opened = sorted(box.emu.threads(policy), key=lambda t: t.id)
    lines += ["", "#policy, as approved:"] + [f"  thread: {t.name}" for t in opened]
    return lines


# --- the command -----------------------------------------------------------------------------

async def run_sandbox(piece: Path | None = None, *, keep: bool = False,
                      out: Callable[[str], None] = print,
                      wait_forever: Callable[[], Any] | None = None) -> int:
    """Run the whole flow and print the transcript; with ``keep``, stay up afterwards."""
    paths = [piece] if piece is not None else [SAMPLES / name for name in SAMPLE_PIECES]
    pieces = [sample_piece(path) for path in paths]
    # The samples' second piece is published later, and goes through review.
    later = [sample_piece(SAMPLES / name) for name in REVIEWED_PIECES] if piece is None else []
    with tempfile.TemporaryDirectory(prefix="counterpoint-sandbox-") as folder:
        box = await open_sandbox(pieces, f"sqlite:///{Path(folder) / 'sandbox.db'}", later)
        try:
            reply = await post_piece(box, box.site.feed_url)
            if not reply.startswith("Posted in"):
                raise SandboxError(f"the piece was not posted: {reply}")
            threads = sorted(box.emu.threads(box.channel), key=lambda t: t.id)
            await debate(box, threads)
            await settled(box, threads)
            await withdraw_later(box, threads)
            await settled(box, threads)
            summary = await build_summary(box.bot.store, box.channel.guild_id,
                                          IsoWeek.of(datetime.now(UTC), "UTC"), "UTC")
            reviewed = await review_one(box)
            refused = box.emu.refused_bodies
            if refused:
                # The bot logs and carries on past most refusals; real Discord would have
                # refused these, so the run did not show what it would on a server.
                raise SandboxError("Discord would have refused requests of the bot: " + "; ".join(
                    f"{r.method} {r.path}: {r.error}" for r in refused))
            out(transcript(box, reply, threads, to_markdown(summary))
                + ("\n".join(reviewed) + "\n" if reviewed else ""))
            if keep:
                out(connection_details(box, threads, box.emu.add_bot("Your client")))
                await (wait_forever() if wait_forever else asyncio.Event().wait())
        finally:
            await box.close()
    return 0
