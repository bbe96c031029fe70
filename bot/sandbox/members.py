"""The sandbox's server and what its simulated members do: post, vote, counter, rebut,
change their minds, by clicking the bot's real buttons and submitting its real forms."""

from __future__ import annotations

import contextlib
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.client import CounterpointBot, StartupError
from bot.debate import parse_custom_id
from bot.emulator import Channel, Emulator, InteractionRecord, Member, Message, Thread
from bot.sandbox.running import (
    TIMEOUT,
    NotReady,
    RunningBot,
    SandboxError,
    emulator_settings,
    start_bot,
)
from bot.sandbox.site import FeedSite, SamplePiece
from bot.store import VoteTarget

#: How ``/piece post`` reports that it is done, one way or the other (see cogs/pieces.py).
FINAL_REPLIES = ("Posted in", "Not posted", "Already posted", "I could not", "That is not")

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
QUOTED = 60

MIND_CHANGED_TEXT = "I had not thought about who pays for a change and who gains from it."

def quoting(argument_title: str, text: str) -> str:
    """``text`` as an answer to the argument titled ``argument_title``."""
    quoted = textwrap.shorten(argument_title.rstrip("."), QUOTED, placeholder="…")
    return f'On "{quoted}": {text}'


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

def reply_of(record: InteractionRecord) -> str:
    original = record.original
    if original is not None and original.content:
        return original.content
    data = record.callback_data or {}
    return str(data.get("content") or "")


async def post_piece(box: Sandbox, url: str) -> str:
    record = await box.emu.run_slash_command(box.moderator, box.channel, "piece post",
                                             {"url": url, "channel": box.channel})
    await record.wait_response(timeout=TIMEOUT)
    await record.wait_for(lambda r: reply_of(r).startswith(FINAL_REPLIES), TIMEOUT)
    return reply_of(record)


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


def button_id(message: Message, prefix: str) -> str:
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
    title = textwrap.shorten(title.rstrip("."), QUOTED, placeholder="…")
    return f'argument {number} ("{title}")'


def on_counter(author: Member, thread: Thread) -> str:
    return f"{author.name}'s counterargument to argument {argument_of(thread)[0]}"


async def click(box: Sandbox, member: Member, message: Message, label: str, on: str) -> str:
    """Click ``label`` on ``message`` (what ``on`` names: the argument or counterargument)."""
    record = await box.emu.click_button(member, message, button_id(message, label))
    await record.wait_response(timeout=TIMEOUT)
    reply = reply_of(record)
    box.log.append(f"{member.name} clicks {label} on {on}: {reply}")
    return reply


async def fill_form(box: Sandbox, member: Member, message: Message, label: str, text: str,
                    where: Thread, on: str) -> str:
    """Click a button that opens a form (Counter, Rebut, Changed my mind), fill it in, send it."""
    record = await box.emu.click_button(member, message, button_id(message, label))
    await record.wait_response(timeout=TIMEOUT)
    if record.modal is None:
        raise SandboxError(f"{label} did not open a form: {reply_of(record)}")
    inputs = [c for row in record.modal.get("components", [])
              for c in row.get("components", [])]
    submitted = await box.emu.submit_modal(member, where, record.modal["custom_id"],
                                           {inputs[0]["custom_id"]: text}, message=message)
    await submitted.wait_response(timeout=TIMEOUT)
    await submitted.wait_for(lambda r: bool(reply_of(r)), TIMEOUT)
    box.log.append(f"{member.name} clicks {label} on {on}: {reply_of(submitted)}")
    return reply_of(submitted)


async def write(box: Sandbox, member: Member, message: Message, label: str, text: str,
                where: Thread, on: str) -> Message:
    """Counter or Rebut through the bot's form; returns the message the bot posted for it."""
    before = {m.id for m in bot_messages(box, where)}
    await fill_form(box, member, message, label, text, where, on)

    def posted() -> Message | None:
        return next((m for m in bot_messages(box, where) if m.id not in before), None)

    await box.emu.wait_for(posted, TIMEOUT)
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

    await box.emu.wait_for(shown, TIMEOUT)


def _vote_target(message: Message) -> VoteTarget | None:
    for item in buttons(message):
        control = parse_custom_id(str(item.get("custom_id", "")))
        if control is not None and control.action == "vote":
            return control.target
    return None


