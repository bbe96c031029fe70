"""Request-body limits Discord enforces, answered with 400 code 50035 and an ``errors`` tree."""

from __future__ import annotations

from typing import Any

from .errors import CANNOT_SEND_EMPTY_MESSAGE, APIError, FormErrors

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
THREAD_NAME_MAX = 100
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
ROW_MAX = 5
ROWS_MAX = 5
ARCHIVE_DURATIONS = (60, 1440, 4320, 10080)
APPLIED_TAGS_MAX = 5

# Components v2 messages (flag IS_COMPONENTS_V2) use other layout rules; checked loosely.
FLAG_COMPONENTS_V2 = 1 << 15


def _too_long(errors: FormErrors, path: tuple[str | int, ...], limit: int) -> None:
    errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _check_len(
    errors: FormErrors, value: Any, path: tuple[str | int, ...], limit: int, minimum: int = 0
) -> int:
    if value is None:
        return 0
    if not isinstance(value, str):
        errors.add(path, "STRING_TYPE_CONVERT", "Could not interpret value as string.")
        return 0
    if len(value) > limit or len(value) < minimum:
        if minimum:
            errors.add(
                path, "BASE_TYPE_BAD_LENGTH", f"Must be between {minimum} and {limit} in length."
            )
        else:
            _too_long(errors, path, limit)
    return len(value)


def check_embeds(errors: FormErrors, embeds: Any) -> None:
    if not isinstance(embeds, list):
        errors.add(("embeds",), "LIST_TYPE_CONVERT", "Must be a list.")
        return
    if len(embeds) > EMBEDS_MAX:
        _too_long(errors, ("embeds",), EMBEDS_MAX)
    total = 0
    for i, embed in enumerate(embeds):
        base: tuple[str | int, ...] = ("embeds", i)
        total += _check_len(errors, embed.get("title"), (*base, "title"), EMBED_TITLE_MAX)
        total += _check_len(
            errors, embed.get("description"), (*base, "description"), EMBED_DESCRIPTION_MAX
        )
        footer = embed.get("footer") or {}
        total += _check_len(errors, footer.get("text"), (*base, "footer", "text"), EMBED_FOOTER_MAX)
        author = embed.get("author") or {}
        total += _check_len(errors, author.get("name"), (*base, "author", "name"), EMBED_AUTHOR_MAX)
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            _too_long(errors, (*base, "fields"), EMBED_FIELDS_MAX)
        for j, fld in enumerate(fields):
            fpath = (*base, "fields", j)
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                if not fld.get(key):
                    errors.add((*fpath, key), "BASE_TYPE_REQUIRED", "This field is required")
                else:
                    total += _check_len(errors, fld[key], (*fpath, key), limit)
    if total > EMBED_TOTAL_MAX:
        errors.add(
            ("embeds",),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
        )


def _check_interactive(
    errors: FormErrors, comp: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    ctype = comp.get("type")
    if ctype == 2:  # button
        if comp.get("style") == 5:
            if not comp.get("url"):
                errors.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        elif comp.get("style") != 6 and not comp.get("custom_id"):
            errors.add((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
        _check_len(errors, comp.get("label"), (*path, "label"), BUTTON_LABEL_MAX)
    if "custom_id" in comp:
        _check_len(errors, comp["custom_id"], (*path, "custom_id"), CUSTOM_ID_MAX, minimum=1)


def check_components(errors: FormErrors, components: Any, *, v2: bool) -> None:
    if not isinstance(components, list):
        errors.add(("components",), "LIST_TYPE_CONVERT", "Must be a list.")
        return
    if not v2 and len(components) > ROWS_MAX:
        _too_long(errors, ("components",), ROWS_MAX)

    def walk(items: list[dict[str, Any]], path: tuple[str | int, ...]) -> None:
        for i, comp in enumerate(items):
            cpath = (*path, i)
            if comp.get("type") == 1:
                children = comp.get("components") or []
                if len(children) > ROW_MAX:
                    _too_long(errors, (*cpath, "components"), ROW_MAX)
                walk(children, (*cpath, "components"))
            else:
                _check_interactive(errors, comp, cpath)
                if isinstance(comp.get("components"), list):
                    walk(comp["components"], (*cpath, "components"))
                if isinstance(comp.get("accessory"), dict):
                    _check_interactive(errors, comp["accessory"], (*cpath, "accessory"))

    walk(components, ("components",))


def check_message(payload: dict[str, Any], *, file_count: int, require_body: bool = True) -> None:
    """Validate a create or edit body; raise 50035 (or 50006 for an empty message)."""
    errors = FormErrors()
    content = payload.get("content")
    if content is not None:
        _check_len(errors, content, ("content",), CONTENT_MAX)
    if payload.get("embeds") is not None:
        check_embeds(errors, payload["embeds"])
    if payload.get("components") is not None:
        v2 = bool((payload.get("flags") or 0) & FLAG_COMPONENTS_V2)
        check_components(errors, payload["components"], v2=v2)
    am = payload.get("allowed_mentions")
    if isinstance(am, dict):
        parse = am.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and am.get(kind):
                errors.add(
                    ("allowed_mentions",),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
    errors.raise_if_any()
    if require_body and not (
        content
        or payload.get("embeds")
        or payload.get("components")
        or file_count
        or payload.get("sticker_ids")
        or payload.get("poll")
    ):
        raise APIError(400, CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")


def check_thread(payload: dict[str, Any]) -> None:
    errors = FormErrors()
    name = payload.get("name")
    if name is None:
        errors.add(("name",), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        _check_len(errors, name, ("name",), THREAD_NAME_MAX, minimum=1)
    duration = payload.get("auto_archive_duration")
    if duration is not None and duration not in ARCHIVE_DURATIONS:
        errors.add(
            ("auto_archive_duration",),
            "BASE_TYPE_CHOICES",
            f"Value must be one of {ARCHIVE_DURATIONS}.",
        )
    errors.raise_if_any()


MODAL_TITLE_MAX = 45
MODAL_COMPONENTS_MAX = 5
TEXT_INPUT_VALUE_MAX = 4000


def check_modal(data: dict[str, Any]) -> None:
    """A type 9 callback's modal: custom_id 1-100, title up to 45, 1 to 5 components."""
    errors = FormErrors()
    _check_len(errors, data.get("custom_id"), ("custom_id",), CUSTOM_ID_MAX, minimum=1)
    if not data.get("custom_id"):
        errors.add(("custom_id",), "BASE_TYPE_REQUIRED", "This field is required")
    _check_len(errors, data.get("title"), ("title",), MODAL_TITLE_MAX, minimum=1)
    components = data.get("components") or []
    if not 1 <= len(components) <= MODAL_COMPONENTS_MAX:
        errors.add(
            ("components",),
            "BASE_TYPE_BAD_LENGTH",
            f"Must be between 1 and {MODAL_COMPONENTS_MAX} in length.",
        )
    for i, top in enumerate(components):
        inner = top.get("components") or ([top["component"]] if "component" in top else [])
        for j, comp in enumerate(inner):
            path = ("components", i, "components", j)
            if "custom_id" in comp:
                _check_len(errors, comp["custom_id"], (*path, "custom_id"), CUSTOM_ID_MAX, 1)
            if comp.get("type") == 4 and comp.get("value") is not None:
                _check_len(errors, comp["value"], (*path, "value"), TEXT_INPUT_VALUE_MAX)
    errors.raise_if_any()
