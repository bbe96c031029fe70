"""The one error a member (or moderator) is shown as it is.

Every refusal of the core's services (a debate rule, a /feed operation, a source that cannot be
read) extends :class:`UserFacingError`: its ``user_message`` says what happened and what to do
instead, in words fit for Discord. The Discord side shows that message and nothing else; any
other exception is a bug, logged, and answered with an apology.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A request was refused; ``user_message`` is what to tell the person who made it."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message
