"""Debate rules as a service: votes, counterarguments, rebuttals, edits and awards.

No ``discord`` here: :class:`DebateService` takes ids and text and returns dataclasses, or
raises a :class:`DebateError` whose ``user_message`` is ready for an ephemeral reply. A cog
handler is one call and one rendering::

    try:
        result = await debate.vote(control.target, interaction.user.id, control.value)
    except DebateError as error:
        return await interaction.response.send_message(error.user_message, ephemeral=True)
    await interaction.response.send_message(result.confirmation, ephemeral=True)

:mod:`bot.debate.controls` builds and parses the persistent buttons' custom ids.
"""

from __future__ import annotations

from bot.debate import errors
from bot.debate.controls import (
    AWARD_PATTERN,
    COUNTER_PATTERN,
    EDIT_PATTERN,
    MAX_CUSTOM_ID_LENGTH,
    PATTERNS,
    REBUT_PATTERN,
    UNAWARD_PATTERN,
    VOTE_PATTERN,
    WITHDRAW_PATTERN,
    Control,
    ControlAction,
    award_custom_id,
    counter_custom_id,
    edit_custom_id,
    parse_custom_id,
    rebut_custom_id,
    unaward_custom_id,
    vote_custom_id,
    withdraw_custom_id,
)
from bot.debate.errors import *  # noqa: F403 (every refusal, listed in errors.__all__)
from bot.debate.gates import ALLOWED, GateClosed, Gates, Refusal
from bot.debate.rules import DebateRules, clean_body, clean_reason
from bot.debate.service import Clock, DebateService, ThreadContext, VoteResult, utc_now

__all__ = [
    "ALLOWED",
    "AWARD_PATTERN",
    "COUNTER_PATTERN",
    "EDIT_PATTERN",
    "MAX_CUSTOM_ID_LENGTH",
    "PATTERNS",
    "REBUT_PATTERN",
    "UNAWARD_PATTERN",
    "VOTE_PATTERN",
    "WITHDRAW_PATTERN",
    "Clock",
    "Control",
    "ControlAction",
    "DebateRules",
    "DebateService",
    "GateClosed",
    "Gates",
    "Refusal",
    "ThreadContext",
    "VoteResult",
    "award_custom_id",
    "clean_body",
    "clean_reason",
    "counter_custom_id",
    "edit_custom_id",
    "parse_custom_id",
    "rebut_custom_id",
    "unaward_custom_id",
    "utc_now",
    "vote_custom_id",
    "withdraw_custom_id",
    *errors.__all__,
]
