"""The review messages' buttons, the edit and reject forms, and ``/review list``'s pages: what
the Review cog (``cogs/review.py``) puts on Discord, kept beside it as the debate's controls
are (``controls.py``). A click goes to the cog through :class:`ReviewClicks`, which it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands

from bot.debate.review import (
    REVIEW_PATTERN,
    Draft,
    ReviewAction,
    ReviewControl,
    parse_number,
    parse_numbers,
    parse_review_control,
)
from bot.publishing.review import (
    OpenReview,
    ReviewRefused,
    ReviewService,
    WaitingPage,
    waiting_line,
)
from cogs.utils.buttons import ControlButton, hand_click
from cogs.utils.checks import ensure_moderator, is_moderator
from cogs.utils.options import IdOption

REVIEW_COG = "Review"
#: What a non-moderator is told they may not do here.
REVIEW_ACTION = "review pieces before they are posted"
_MODAL_TITLE_LIMIT = 45


class ReviewClicks:
    """What the Review cog offers its buttons (it is one)."""

    async def on_click(self, interaction: discord.Interaction, control: ReviewControl) -> None:
        raise NotImplementedError

    async def turn_page(self, interaction: discord.Interaction, page: int) -> None:
        raise NotImplementedError


# --- buttons -----------------------------------------------------------------------------------

_FACES: dict[str, tuple[str, discord.ButtonStyle]] = {
    "approve": ("Approve", discord.ButtonStyle.success),
    "edit": ("Edit split", discord.ButtonStyle.primary),
    "reject": ("Reject", discord.ButtonStyle.danger),
    "merge": ("Merge two", discord.ButtonStyle.secondary),
    "split": ("Split one", discord.ButtonStyle.secondary),
    "retitle": ("Retitle", discord.ButtonStyle.secondary),
    "drop": ("Drop one", discord.ButtonStyle.secondary),
    "reorder": ("Reorder", discord.ButtonStyle.secondary),
    "whole": ("No enumeration", discord.ButtonStyle.secondary),
    "unwhole": ("Use the split", discord.ButtonStyle.secondary),
}


class ReviewButton(ControlButton[ReviewControl], template=REVIEW_PATTERN):
    """Every review button; the click goes to the Review cog with its parsed control."""

    @classmethod
    def parse(cls, custom_id: str) -> ReviewControl | None:
        return parse_review_control(custom_id)

    @classmethod
    def face(cls, control: ReviewControl) -> tuple[str, discord.ButtonStyle]:
        return _FACES[control.action]

    async def callback(self, interaction: discord.Interaction) -> None:
        await hand_click(interaction, REVIEW_COG, ReviewClicks,
                         lambda cog: cog.on_click(interaction, self.control))


def _view(review: OpenReview, actions: tuple[ReviewAction, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(ReviewButton.from_control(ReviewControl(action, review.id, review.version)))
    return view


def review_view(review: OpenReview) -> discord.ui.View:
    """Approve, Edit split, Reject: on the review message while it waits."""
    return _view(review, ("approve", "edit", "reject"))


def panel_view(review: OpenReview) -> discord.ui.View | None:
    """The edits, on the private panel Edit split opens."""
    draft = review.draft
    if not draft.arguments:
        return None
    toggle: ReviewAction = "unwhole" if draft.whole_piece else "whole"
    return _view(review, ("merge", "split", "retitle", "drop", "reorder", toggle))


# --- forms -------------------------------------------------------------------------------------

#: Each form's fields: (custom id, label, placeholder, max length, required).
_FIELDS: dict[str, tuple[tuple[str, str, str, int, bool], ...]] = {
    "merge": (("first", "First argument", "e.g. 2", 3, True),
              ("second", "Second argument", "e.g. 3", 3, True)),
    "split": (("number", "Argument to split", "e.g. 2", 3, True),
              ("paragraph", "New argument starts at paragraph", "e.g. 3 (see ¶ numbers)", 3,
               True)),
    "retitle": (("number", "Argument", "e.g. 2", 3, True),
                ("title", "New title", "A short title for its thread", 200, True)),
    "drop": (("number", "Argument to drop", "e.g. 4", 3, True),),
    "reorder": (("order", "New order", "e.g. 2 1 3: every number once", 100, True),),
    "reject": (("reason", "Why (kept in the moderation log)", "Optional", 500, False),),
}
_TITLES = {"merge": "Merge two arguments", "split": "Split an argument",
           "retitle": "Retitle an argument", "drop": "Drop an argument",
           "reorder": "Reorder the arguments", "reject": "Reject this piece"}


def review_form(control: ReviewControl) -> discord.ui.Modal:
    """The form for an edit or a rejection; its custom id is the button's (see module doc)."""
    modal = discord.ui.Modal(title=_TITLES[control.action][:_MODAL_TITLE_LIMIT],
                             custom_id=control.custom_id)
    for custom_id, label, placeholder, limit, required in _FIELDS[control.action]:
        modal.add_item(discord.ui.TextInput(
            label=label, custom_id=custom_id, placeholder=placeholder, max_length=limit,
            required=required,
            style=discord.TextStyle.paragraph if custom_id == "reason"
            else discord.TextStyle.short))
    return modal


def submitted_values(data: Any) -> dict[str, str]:
    """A modal submit's values by their inputs' custom ids (action rows or labels)."""
    found: dict[str, str] = {}

    def walk(components: Any) -> None:
        for component in components or ():
            if "value" in component and "custom_id" in component:
                found[component["custom_id"]] = str(component["value"] or "")
            walk(component.get("components"))
            if isinstance(component.get("component"), dict):
                walk([component["component"]])

    walk(data.get("components"))
    return found


def draft_change(action: str, values: dict[str, str]) -> tuple[Callable[[Draft], Draft], str]:
    """The draft edit a form asks for, and the line that tells the moderator it was made."""
    if action == "merge":
        first, second = parse_number(values.get("first", "")), parse_number(
            values.get("second", ""))
        return (lambda d: d.merge(first, second)), f"Merged arguments {first} and {second}."
    if action == "split":
        number = parse_number(values.get("number", ""))
        at = parse_number(values.get("paragraph", ""), "a paragraph number")
        return ((lambda d: d.split(number, at)),
                f"Split argument {number}: a new argument starts at its paragraph {at}.")
    if action == "retitle":
        number = parse_number(values.get("number", ""))
        title = values.get("title", "")
        return (lambda d: d.retitle(number, title)), f"Retitled argument {number}."
    if action == "drop":
        number = parse_number(values.get("number", ""))
        return (lambda d: d.drop(number)), f"Dropped argument {number}."
    if action == "reorder":
        order = parse_numbers(values.get("order", ""))
        return (lambda d: d.reorder(order)), "Reordered the arguments."
    if action == "whole":
        return (lambda d: d.no_enumeration()), "Marked as no enumeration: one thread for the " \
                                               "whole piece."
    if action == "unwhole":
        return (lambda d: d.use_split()), "Back to one thread per argument."
    raise ValueError(f"not an edit: {action}")


# --- /review list and /review show ------------------------------------------------------------

_PICK_A_REVIEW = ("Pick a waiting review from the list that appears as you type (or see "
                  "`/review list`).")
_LIST_COLOUR = discord.Colour(0xF59E0B)


class WaitingOption(IdOption):
    """``/review show``'s ``review``: one of this server's waiting reviews, offered by number
    and title as the moderator types, given to the command as its id."""

    def refusal(self) -> ReviewRefused:
        return ReviewRefused(_PICK_A_REVIEW)

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str, /
                           ) -> list[app_commands.Choice[int | float | str]]:
        # Autocomplete skips checks in discord.py: others see no titles.
        store = getattr(interaction.client, "store", None)
        if interaction.guild_id is None or store is None or not await is_moderator(interaction):
            return []
        choices = await ReviewService(store).waiting_choices(interaction.guild_id, str(value))
        return [app_commands.Choice(name=label, value=str(review_id))
                for label, review_id in choices]


WaitingChoice = app_commands.Transform[int, WaitingOption]


class WaitingPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                        template=r"cp:rvl:(?P<page>[0-9]{1,6})"):
    """◀ / ▶ under a page of ``/review list``: the page travels in the custom id, so they
    work after a restart."""

    def __init__(self, page: int, label: str = "", *, disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label or f"Page {page}",
                                           style=discord.ButtonStyle.secondary,
                                           custom_id=f"cp:rvl:{page}", disabled=disabled))
        self.page = page

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction,
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> WaitingPageButton:
        return cls(int(match["page"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        async def turn(cog: ReviewClicks) -> None:
            await ensure_moderator(interaction, REVIEW_ACTION)
            await cog.turn_page(interaction, self.page)

        await hand_click(interaction, REVIEW_COG, ReviewClicks, turn)


def waiting_message(page: WaitingPage, review_channel_id: int | None
                    ) -> tuple[discord.Embed, discord.ui.View | None]:
    """A page of ``/review list`` as an embed, with ◀ / ▶ when there is more than a page."""
    if not page.entries:
        return discord.Embed(title="Waiting for review", colour=_LIST_COLOUR,
                             description="No piece waits for review in this server."), None
    embed = discord.Embed(
        title=f"Waiting for review ({page.total})", colour=_LIST_COLOUR,
        # At most six lines of about 600 characters: within the 4,096 of a description.
        description="\n\n".join(waiting_line(entry, review_channel_id)
                                 for entry in page.entries))
    where = (f"Reviews wait in <#{review_channel_id}>." if review_channel_id is not None
             else "⚠️ This server has no review channel: set one with `/config review "
                  "channel:`.")
    embed.add_field(name="A review message is gone?",
                    value=f"{where} `/review show` posts a waiting review there again.",
                    inline=False)
    embed.set_footer(text=f"Page {page.page} of {page.pages} · oldest first")
    if page.pages == 1:
        return embed, None
    view = discord.ui.View(timeout=None)
    view.add_item(WaitingPageButton(page.page - 1, "◀ Older", disabled=page.page <= 1))
    view.add_item(WaitingPageButton(page.page + 1, "Newer ▶",
                                    disabled=page.page >= page.pages))
    return embed, view
