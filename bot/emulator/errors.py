"""Discord's JSON error bodies, raised from route handlers and rendered by the middleware."""

from __future__ import annotations

from typing import Any


class APIError(Exception):
    """An error response: HTTP status plus Discord's ``{"code", "message", "errors"?}`` body."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


# The codes the bot can meet, from Discord's "JSON Error Codes" table.
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_INTERACTION = 10062
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_WEBHOOK = 10015
UNKNOWN_APPLICATION = 10002
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS_MESSAGE = 50005
CANNOT_SEND_EMPTY_MESSAGE = 50006
CANNOT_SEND_IN_NON_TEXT = 50008
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
ALREADY_ACKNOWLEDGED = 40060
THREAD_ALREADY_CREATED = 160004
THREAD_LOCKED = 160005
MAX_ACTIVE_THREADS = 160006
THREAD_ARCHIVED = 50083


def not_found(code: int, what: str) -> APIError:
    return APIError(404, code, f"Unknown {what}")


def missing_permissions() -> APIError:
    return APIError(403, MISSING_PERMISSIONS, "Missing Permissions")


def missing_access() -> APIError:
    return APIError(403, MISSING_ACCESS, "Missing Access")


class FormErrors:
    """Collects field errors in Discord's nested ``errors`` shape.

    ``add(("embeds", 0, "title"), "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")``
    yields ``{"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}``.
    """

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise APIError(400, INVALID_FORM_BODY, "Invalid Form Body", self.tree)
