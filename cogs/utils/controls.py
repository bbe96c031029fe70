"""Counterpoint's persistent buttons as discord.py ``DynamicItem``s, and the views that hold them.

The custom ids come from :mod:`bot.debate.controls`, so a button keeps working after a
restart: discord.py matches a click against the templates registered in ``setup_hook`` and
rebuilds the item from its custom id alone. The items only route the click to the Debate cog;
the rules live in :class:`bot.debate.DebateService`.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import discord

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
from cogs.utils.buttons import ControlButton, hand_click, loaded_cog

DEBATE_COG = "Debate"


class ControlHandler:
    """What the Debate cog offers the buttons (it is one)."""

    async def on_control(self, interaction: discord.Interaction, control: Control) -> None:
        raise NotImplementedError


class _ControlItem(ControlButton[Control], template=r"cp:(?!)"):
    """A debate control's button: the click goes to the Debate cog."""

    @classmethod
    def parse(cls, custom_id: str) -> Control | None:
        return parse_custom_id(custom_id)

    async def callback(self, interaction: discord.Interaction) -> None:
        await hand_click(interaction, DEBATE_COG, ControlHandler,
                         lambda handler: handler.on_control(interaction, self.control))


class VoteButton(_ControlItem, template=VOTE_PATTERN):
    @classmethod
    def face(cls, control: Control) -> tuple[str, discord.ButtonStyle]:
        if control.value == AGREE:
            return "Agree", discord.ButtonStyle.success
        return "Disagree", discord.ButtonStyle.danger


class CounterButton(_ControlItem, template=COUNTER_PATTERN):
    label = "Counter"
    style = discord.ButtonStyle.primary


class RebutButton(_ControlItem, template=REBUT_PATTERN):
    label = "Rebut"
    style = discord.ButtonStyle.primary


class AwardButton(_ControlItem, template=AWARD_PATTERN):
    label = "Changed my mind"


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
                 # The awards that count, once there is one.
                 AwardButton.from_control(Control("award", target), awards or None),
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
    cog = loaded_cog(client, DEBATE_COG)
    if not isinstance(cog, ButtonRefresher):
        return False
    cog.refresh_buttons(channel_id, message_id, target)
    return True
