"""Counterpoint's persistent buttons as discord.py ``DynamicItem``s, and the views that hold them.

The custom ids come from :mod:`bot.debate.controls`, so a button keeps working after a
restart: discord.py matches a click against the templates registered in ``setup_hook`` and
rebuilds the item from its custom id alone. The items only route the click to the Debate cog;
the rules live in :class:`bot.debate.DebateService`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Protocol, runtime_checkable

import discord
from discord.ext import commands

from bot.debate import (
    AWARD_PATTERN,
    COUNTER_PATTERN,
    EDIT_PATTERN,
    REBUT_PATTERN,
    UNAWARD_PATTERN,
    VOTE_PATTERN,
    WITHDRAW_PATTERN,
    Control,
    parse_custom_id,
)
from bot.store import AGREE, DISAGREE, Tally, VoteTarget
from cogs.utils.replies import answer_error, reply

DEBATE_COG = "Debate"


@runtime_checkable
class ControlHandler(Protocol):
    """What the Debate cog offers the buttons."""

    async def on_control(self, interaction: discord.Interaction, control: Control) -> None: ...


async def _route(interaction: discord.Interaction, control: Control) -> None:
    client = interaction.client
    handler = (client.get_cog(DEBATE_COG)
               if isinstance(client, (commands.Bot, commands.AutoShardedBot)) else None)
    if not isinstance(handler, ControlHandler):
        await reply(interaction, "I'm still starting up; try again in a few seconds.")
        return
    try:
        await handler.on_control(interaction, control)
    except Exception as exc:
        await answer_error(interaction, exc)


class _ControlItem(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cp:(?!)"):
    """Shared plumbing: the parsed control travels with the item."""

    def __init__(self, control: Control, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.control = control

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> _ControlItem:
        control = parse_custom_id(match.string)
        if control is None:  # the template matched, so this cannot happen; stay safe anyway
            raise ValueError(f"not a Counterpoint control: {match.string!r}")
        return cls.from_control(control)

    #: The button's face; every control but a vote has a fixed one.
    label: ClassVar[str] = ""
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    @classmethod
    def from_control(cls, control: Control) -> _ControlItem:
        return cls(control, discord.ui.Button(label=cls.label, style=cls.style,
                                              custom_id=control.custom_id))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _route(interaction, self.control)


def _count_label(word: str, count: int | None, established: int | None = None) -> str:
    if count is None:
        return word
    if established is None or established == count:
        return f"{word} · {count}"
    return f"{word} · {count} ({established} established)"


class VoteButton(_ControlItem, template=VOTE_PATTERN):
    @classmethod
    def from_control(cls, control: Control, count: int | None = None,
                     established: int | None = None) -> VoteButton:
        agree = control.value == AGREE
        return cls(control, discord.ui.Button(
            label=_count_label("Agree" if agree else "Disagree", count, established),
            style=discord.ButtonStyle.success if agree else discord.ButtonStyle.danger,
            custom_id=control.custom_id))


class CounterButton(_ControlItem, template=COUNTER_PATTERN):
    label = "Counter"
    style = discord.ButtonStyle.primary


class RebutButton(_ControlItem, template=REBUT_PATTERN):
    label = "Rebut"
    style = discord.ButtonStyle.primary


class AwardButton(_ControlItem, template=AWARD_PATTERN):
    label = "Changed my mind"

    @classmethod
    def counted(cls, control: Control, awards: int | None) -> AwardButton:
        """The button with the contribution's awards that count, once there is one."""
        return cls(control, discord.ui.Button(
            label=_count_label(cls.label, awards or None), style=cls.style,
            custom_id=control.custom_id))


class UnawardButton(_ControlItem, template=UNAWARD_PATTERN):
    """Under the private reply to a member who already credited a contribution."""

    label = "Withdraw my credit"
    style = discord.ButtonStyle.danger


class EditButton(_ControlItem, template=EDIT_PATTERN):
    label = "Edit"


class WithdrawButton(_ControlItem, template=WITHDRAW_PATTERN):
    label = "Withdraw"


#: Registered with ``bot.add_dynamic_items`` in ``setup_hook``.
DYNAMIC_ITEMS: tuple[type[_ControlItem], ...] = (
    VoteButton, CounterButton, RebutButton, AwardButton, EditButton, WithdrawButton,
    UnawardButton)


def _view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def _votes(target: VoteTarget, tally: Tally | None, established: Tally | None = None
           ) -> tuple[VoteButton, VoteButton]:
    """Agree · n and Disagree · n; with the established members' tally beside each count
    where the two differ."""
    return (
        VoteButton.from_control(Control("vote", target, AGREE),
                                tally.agree if tally is not None else 0,
                                established.agree if established is not None else None),
        VoteButton.from_control(Control("vote", target, DISAGREE),
                                tally.disagree if tally is not None else 0,
                                established.disagree if established is not None else None),
    )


def argument_view(argument_id: int, tally: Tally | None = None,
                  established: Tally | None = None) -> discord.ui.View:
    """Agree · n, Disagree · n, Counter: the controls under an argument's opening."""
    target = VoteTarget.argument(argument_id)
    return _view(*_votes(target, tally, established),
                 CounterButton.from_control(Control("counter", target)))


def contribution_view(contribution_id: int, tally: Tally | None = None,
                      awards: int | None = None) -> discord.ui.View:
    """Agree, Disagree, Rebut and Changed my mind (· its awards), then the author's Edit /
    Withdraw (six buttons: discord.py puts the sixth on a second row)."""
    target = VoteTarget.contribution(contribution_id)
    return _view(*_votes(target, tally),
                 RebutButton.from_control(Control("rebut", target)),
                 AwardButton.counted(Control("award", target), awards),
                 EditButton.from_control(Control("edit", target)),
                 WithdrawButton.from_control(Control("withdraw", target)))


def unaward_view(contribution_id: int) -> discord.ui.View:
    """The one button under the reply to a member who already credited a contribution."""
    return _view(UnawardButton.from_control(
        Control("unaward", VoteTarget.contribution(contribution_id))))


def view_for(target: VoteTarget, tally: Tally | None = None, *,
             established: Tally | None = None, awards: int | None = None) -> discord.ui.View:
    if target.kind == "argument":
        return argument_view(target.id, tally, established)
    return contribution_view(target.id, tally, awards)


@runtime_checkable
class ButtonRefresher(Protocol):
    """What the Debate cog offers other cogs: bring a message's buttons up to date (a revoked
    award changes a contribution's count)."""

    def refresh_buttons(self, channel_id: int, message_id: int, target: VoteTarget) -> None: ...


def refresh_buttons(client: discord.Client, channel_id: int, message_id: int,
                    target: VoteTarget) -> bool:
    """Ask the Debate cog to refresh a message's buttons; ``False`` if it is not loaded."""
    cog = (client.get_cog(DEBATE_COG)
           if isinstance(client, (commands.Bot, commands.AutoShardedBot)) else None)
    if not isinstance(cog, ButtonRefresher):
        return False
    cog.refresh_buttons(channel_id, message_id, target)
    return True
