"""What every persistent button shares: finding the cog that answers its click, and (for the
buttons that stand for one of the core's controls) rebuilding the button from its custom id.

A persistent button is a discord.py ``DynamicItem``: after a restart discord.py matches a click
against the templates registered with ``bot.add_dynamic_items`` and rebuilds the item from its
custom id alone; the item then hands the click to its cog with :func:`hand_click`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import discord
from discord.ext import commands

from bot.errors import UserFacingError
from cogs.utils.replies import answer_error

#: The answer to a click that comes before its cog is loaded (discord.py dispatches persistent
#: items as soon as it connects).
STARTING_UP = "I'm still starting up; try again in a few seconds."

C = TypeVar("C")


def loaded_cog(client: discord.Client, name: str) -> commands.Cog | None:
    """The bot's cog ``name``; ``None`` before it is loaded (or for a client without cogs)."""
    if isinstance(client, (commands.Bot, commands.AutoShardedBot)):
        return client.get_cog(name)
    return None


async def hand_click(interaction: discord.Interaction, cog_name: str, kind: type[C],
                     act: Callable[[C], Awaitable[object]]) -> None:
    """Answer a click with ``act`` on the loaded cog ``cog_name`` (a ``kind``): before that cog
    is loaded the member is told to try again, and whatever ``act`` raises is answered the
    way a command's error is (:func:`cogs.utils.replies.answer_error`)."""
    cog = loaded_cog(interaction.client, cog_name)
    try:
        if not isinstance(cog, kind):
            raise UserFacingError(STARTING_UP)
        await act(cog)
    except Exception as exc:
        await answer_error(interaction, exc)


class ControlLike(Protocol):
    """One of the core's controls (a vote, a review action): what its button's id says."""

    @property
    def custom_id(self) -> str: ...


ControlT = TypeVar("ControlT", bound=ControlLike)


def count_label(word: str, count: int | None, established: int | None = None) -> str:
    """``word``, with a count beside it once there is one (and the established members' count
    where it differs)."""
    if count is None:
        return word
    if established is None or established == count:
        return f"{word} · {count}"
    return f"{word} · {count} ({established} established)"


class ControlButton(discord.ui.DynamicItem[discord.ui.Button[Any]], Generic[ControlT],
                    template=r"cp:(?!)"):
    """A button that stands for a control: its custom id is the control's, parsed back by
    ``parse`` after a restart, and the control travels with the item. Subclasses name their
    ``template``, ``parse`` and face (``label`` and ``style``, or ``face`` where it depends
    on the control), and hand the click on in ``callback``."""

    #: The button's face, where every control of the kind has the same one.
    label: ClassVar[str] = ""
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary

    def __init__(self, control: ControlT, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)
        self.control = control

    @classmethod
    def parse(cls, custom_id: str) -> ControlT | None:
        """The control a custom id stands for (``None``: not one of this kind)."""
        raise NotImplementedError

    @classmethod
    def face(cls, control: ControlT) -> tuple[str, discord.ButtonStyle]:
        return cls.label, cls.style

    @classmethod
    def from_control(cls, control: ControlT, count: int | None = None,
                     established: int | None = None) -> Self:
        """The button for ``control``, with a count on its face once there is one (see
        :func:`count_label`)."""
        label, style = cls.face(control)
        return cls(control, discord.ui.Button(label=count_label(label, count, established),
                                              style=style, custom_id=control.custom_id))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        control = cls.parse(match.string)
        if control is None:  # the template matched, so this cannot happen; stay safe anyway
            raise ValueError(f"not a Counterpoint control: {match.string!r}")
        return cls.from_control(control)
