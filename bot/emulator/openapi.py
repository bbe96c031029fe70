"""Request bodies checked against Discord's own OpenAPI spec, as Discord checks them.

``discord_requests.json`` beside this module holds, for every route the emulator serves that
takes a body, the request schema of that operation in Discord's OpenAPI spec
(github.com/discord/discord-api-spec, MIT, see ``discord_requests.LICENSE``) together with
every component schema it refers to. It is extracted, never edited by hand::

    python -m bot.emulator.openapi path/to/discord-openapi.json

(a test checks it still matches ``../shared/reference/discord-openapi.json``). The emulator
must run from a fresh clone with no network (``python -m bot sandbox``), so it ships the
extract rather than the 1.2 MB spec.

Bodies are validated with jsonschema (Draft 2020-12, the dialect of OpenAPI 3.1). Where the
spec and Discord disagree, the difference is written down here, once, as a change to the
schema with the reason beside it: :data:`LOOSER_THAN_SPEC` for what Discord accepts although
the spec says otherwise, :data:`STRICTER_THAN_SPEC` for documented limits the spec leaves out.
Limits a schema cannot express (6,000 characters across a message's embeds, an empty message)
are checked by hand in :mod:`.validation`.

A refusal is Discord's ``400 {"code": 50035, "message": "Invalid Form Body", "errors": ...}``
with the offending field's path as nested keys (list indexes as strings) and, at the leaf,
``_errors: [{"code", "message"}]`` in the wording Discord uses.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from jsonschema.exceptions import ValidationError

from .errors import FormErrors

SCHEMA_FILE = Path(__file__).with_name("discord_requests.json")
_REF_PREFIX = "#/components/schemas/"

#: The media type whose schema is the body's. A multipart request's ``payload_json`` part
#: carries the same object (the spec's multipart schema is that object plus ``files[n]``).
_JSON = "application/json"


# --- extraction from the spec ----------------------------------------------------------------

def operation_key(method: str, path: str) -> str:
    """``"POST /channels/{channel_id}/messages"``: how operations are keyed in the extract."""
    return f"{method.upper()} {path}"


def extract(spec: dict[str, Any], routes: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The request schemas of ``routes`` ((method, path template) pairs, as the emulator
    serves them) and the component schemas they use, transitively. Routes without a request
    body in the spec are left out."""
    operations: dict[str, Any] = {}
    for method, path in sorted(set(routes)):
        operation = spec["paths"].get(path, {}).get(method.lower())
        if not isinstance(operation, dict) or "requestBody" not in operation:
            continue
        operations[operation_key(method, path)] = operation["requestBody"]["content"][_JSON][
            "schema"]
    schemas = spec["components"]["schemas"]
    used: dict[str, Any] = {}

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
                name = ref[len(_REF_PREFIX):]
                if name not in used:
                    used[name] = schemas[name]
                    collect(schemas[name])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(operations)
    return {
        "source": "github.com/discord/discord-api-spec, specs/openapi.json "
                  f"(OpenAPI {spec['openapi']}, API v{spec['info']['version']}); MIT licence",
        "operations": operations,
        "components": {"schemas": dict(sorted(used.items()))},
    }


def served_routes() -> list[tuple[str, str]]:
    """(method, path template) of every API route the emulator serves."""
    from aiohttp import web

    from .emulator import Emulator
    from .rest import API_PREFIX

    return [
        (route.method, route.path[len(API_PREFIX):])
        for route in Emulator().rest.routes()
        if isinstance(route, web.RouteDef) and route.path.startswith(API_PREFIX)
    ]


def render(extract_: dict[str, Any]) -> str:
    return json.dumps(extract_, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


# --- where Discord and its spec differ ---------------------------------------------------------

Schemas = dict[str, Any]


@dataclass(frozen=True)
class Difference:
    """One place where Discord does not do what its spec says, applied to the schemas."""

    why: str
    apply: Callable[[Schemas], None]


def _snowflakes_as_integers(schemas: Schemas) -> None:
    schemas["SnowflakeType"] = {"anyOf": [
        schemas["SnowflakeType"],
        {"type": "integer", "minimum": 0, "maximum": 2**64 - 1},
    ]}


def _media_channels(schemas: Schemas) -> None:
    schemas["ChannelTypes"]["oneOf"].append(
        {"title": "GUILD_MEDIA", "description": "A channel of threads, like a forum's",
         "const": 16})


def _bot_content_limit(schemas: Schemas) -> None:
    for name in ("MessageCreateRequest", "MessageEditRequestPartial",
                 "BaseCreateMessageCreateRequest"):
        schemas[name]["properties"]["content"]["maxLength"] = 2000


#: Discord accepts these although the spec says otherwise.
LOOSER_THAN_SPEC: tuple[Difference, ...] = (
    Difference(
        # The spec types every id as a string of digits, but Discord parses a snowflake from a
        # JSON integer too, and discord.py relies on it: it sends the ids in
        # ``allowed_mentions.users`` / ``roles``, ``message_reference.message_id`` and the
        # upload index in ``attachments[].id`` as integers (discord.py 2.7's mentions.py,
        # message.py and http.py), and bots built on it work.
        "ids may be sent as JSON integers",
        _snowflakes_as_integers,
    ),
    Difference(
        # Channel type 16, GUILD_MEDIA, is in Discord's "Channel Types" table but not in the
        # spec's ChannelTypes enum. Discord accepts it in a command option's channel_types,
        # where discord.py puts it for every option typed ForumChannel (with 15, GUILD_FORUM).
        "channel type 16 (GUILD_MEDIA) exists",
        _media_channels,
    ),
)

#: Documented limits the spec leaves out (or states for users rather than bots).
STRICTER_THAN_SPEC: tuple[Difference, ...] = (
    Difference(
        # The spec's 4,000 is a Nitro user's limit; a bot's message content is capped at
        # 2,000 characters ("Create Message": "up to 2000 characters").
        "message content is at most 2,000 characters for a bot",
        _bot_content_limit,
    ),
)


# --- validation ---------------------------------------------------------------------------------

def _uri(value: object) -> bool:
    """Discord's "well formed URL": an absolute URL with a scheme and a host and no
    whitespace or control characters (``attachment://name.png`` counts, its name as host)."""
    if not isinstance(value, str):
        return True
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _format_checker() -> jsonschema.FormatChecker:
    """Only the formats Discord checks on the way in; the spec's "int32", "snowflake" and
    the like are descriptions, already covered by types, bounds and patterns."""
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uri")(_uri)
    checker.checks("date-time")(_date_time)
    return checker


_TYPE_CODES = {
    "string": ("STRING_TYPE_CONVERT", "Could not interpret {value} as string."),
    "integer": ("NUMBER_TYPE_COERCE", "Value {value} is not int."),
    "number": ("NUMBER_TYPE_COERCE", "Value {value} is not a valid number."),
    "boolean": ("BOOLEAN_TYPE_CONVERT", "Must be either true or false."),
    "object": ("DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"),
    "array": ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"),
}


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


def _expected_types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared]
    return [t for t in types if isinstance(t, str) and t != "null"]


def _length_error(error: ValidationError) -> tuple[str, str]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    low_key, high_key = (("minItems", "maxItems") if isinstance(error.instance, list)
                         else ("minProperties", "maxProperties")
                         if isinstance(error.instance, dict) else ("minLength", "maxLength"))
    low, high = schema.get(low_key), schema.get(high_key)
    if low and high is not None:
        return "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length."
    if error.validator in ("maxLength", "maxItems", "maxProperties"):
        return "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length."
    return "BASE_TYPE_MIN_LENGTH", f"Must be {low} or more in length."


def _choices(values: Iterable[Any]) -> str:
    return "(" + ", ".join(_shown(v) for v in values) + ")"


def discord_error(error: ValidationError) -> tuple[str, str]:
    """Discord's code and message for one failed keyword."""
    keyword = error.validator
    value = error.instance
    if keyword == "required":
        return "BASE_TYPE_REQUIRED", "This field is required"
    if keyword in ("maxLength", "minLength", "maxItems", "minItems", "maxProperties",
                   "minProperties"):
        return _length_error(error)
    if keyword == "type":
        schema = error.schema if isinstance(error.schema, dict) else {}
        if schema.get("format") == "snowflake":
            return "NUMBER_TYPE_COERCE", f"Value {_shown(value)} is not snowflake."
        expected = _expected_types(schema)
        code, message = _TYPE_CODES.get(expected[0] if expected else "",
                                        ("BASE_TYPE_REQUIRED", "This field is required"))
        return code, message.format(value=_shown(value))
    if keyword in ("enum", "const"):
        allowed = error.validator_value if keyword == "enum" else [error.validator_value]
        return "BASE_TYPE_CHOICES", f"Value must be one of {_choices(allowed)}."
    if keyword == "pattern":  # only snowflakes carry a pattern in the extract
        return "NUMBER_TYPE_COERCE", f"Value {_shown(value)} is not snowflake."
    if keyword in ("maximum", "exclusiveMaximum"):
        return ("NUMBER_TYPE_MAX",
                f"int value should be less than or equal to {error.validator_value}.")
    if keyword in ("minimum", "exclusiveMinimum"):
        return ("NUMBER_TYPE_MIN",
                f"int value should be greater than or equal to {error.validator_value}.")
    if keyword == "uniqueItems":
        return "SET_TYPE_ALREADY_CONTAINS_VALUE", "The set already contains this value."
    if keyword == "format" and error.validator_value == "uri":
        return "URL_TYPE_INVALID_URL", "Not a well formed URL."
    if keyword == "format":
        return "DATE_TIME_TYPE_PARSE", f"Could not parse {_shown(value)}. Should be ISO8601."
    return "BASE_TYPE_INVALID", error.message


def _wrong_shape(error: ValidationError) -> bool:
    """This union branch is not the one meant: the value is of another JSON type, or its
    ``type`` discriminator names another variant."""
    path = list(error.relative_path)
    if not path and error.validator == "type":
        return True
    return path == ["type"] and error.validator in ("enum", "const")


def _only_constants(branches: dict[Any, list[ValidationError]]) -> list[Any] | None:
    """The allowed values when every branch of a union is a ``const`` (Discord's enums)."""
    values = []
    for errors in branches.values():
        if len(errors) != 1 or errors[0].validator != "const" or list(errors[0].relative_path):
            return None
        values.append(errors[0].validator_value)
    return values


def _null_last(error: ValidationError) -> tuple[int, int]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    return (schema.get("type") == "null", len(error.relative_path))


def leaf_errors(error: ValidationError) -> Iterator[tuple[list[str | int], str, str]]:
    """(path, code, message) for the fields at fault. A union (``oneOf`` / ``anyOf``, which
    Discord's spec uses for variants told apart by ``type`` and for nullable references) is
    answered from the variant that was meant: the one whose shape and ``type`` fit, with the
    fewest faults; if none fits, the union itself is at fault."""
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        # jsonschema reports a missing key at the object; Discord at the key itself.
        for key in error.validator_value:
            if key not in error.instance:
                yield [*path, key], *discord_error(error)
        return
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        yield path, *discord_error(error)
        return
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    constants = _only_constants(branches)
    if constants is not None:
        yield path, "BASE_TYPE_CHOICES", f"Value must be one of {_choices(constants)}."
        return
    meant = [errors for errors in branches.values() if not any(map(_wrong_shape, errors))]
    if not meant:
        type_value = error.instance.get("type") if isinstance(error.instance, dict) else None
        if type_value is not None:
            yield ([*path, "type"], "UNION_TYPE_CHOICES",
                   f"Value of field \"type\" must be one of the allowed types, not {type_value}.")
        else:
            # No variant has this JSON type: say what a non-null variant expects.
            yield path, *discord_error(min(error.context, key=_null_last))
        return
    for sub in min(meant, key=len):
        yield from leaf_errors(sub)


@dataclass(frozen=True)
class RequestSchemas:
    """Validators for every operation in the extract, with Discord's differences applied."""

    validators: dict[str, jsonschema.protocols.Validator]
    components: dict[str, Any]
    checker: jsonschema.FormatChecker
    #: Validators of single union variants, built when first asked for.
    variants: dict[str, jsonschema.protocols.Validator] = field(default_factory=dict)

    @classmethod
    def from_extract(cls, document: dict[str, Any],
                     differences: Iterable[Difference] = (*LOOSER_THAN_SPEC,
                                                          *STRICTER_THAN_SPEC)) -> RequestSchemas:
        components = copy.deepcopy(document["components"])
        for difference in differences:
            difference.apply(components["schemas"])
        checker = _format_checker()
        validators = {}
        for key, schema in document["operations"].items():
            root = {**schema, "components": components}
            jsonschema.Draft202012Validator.check_schema(root)
            validators[key] = jsonschema.Draft202012Validator(root, format_checker=checker)
        return cls(validators, components, checker)

    def knows(self, method: str, path: str) -> bool:
        return operation_key(method, path) in self.validators

    def check(self, method: str, path: str, body: Any, errors: FormErrors) -> None:
        """Add to ``errors`` whatever Discord would refuse in ``body`` for this operation
        (nothing for an operation without a request schema)."""
        validator = self.validators.get(operation_key(method, path))
        if validator is not None:
            self._collect(validator, body, errors)

    def check_variant(self, schema_name: str, body: Any, errors: FormErrors) -> None:
        """Validate against one variant of an operation's union, for routes where Discord
        picks the variant by the target rather than by the body (``POST .../threads`` takes
        a forum post in a forum, a bare thread in a text channel)."""
        validator = self.variants.get(schema_name)
        if validator is None:
            root = {"$ref": _REF_PREFIX + schema_name, "components": self.components}
            validator = jsonschema.Draft202012Validator(root, format_checker=self.checker)
            self.variants[schema_name] = validator
        self._collect(validator, body, errors)

    @staticmethod
    def _collect(validator: jsonschema.protocols.Validator, body: Any,
                 errors: FormErrors) -> None:
        seen: set[tuple[tuple[str, ...], str]] = set()
        for error in validator.iter_errors(body):
            for where, code, message in leaf_errors(error):
                key = (tuple(map(str, where)), code)
                if key not in seen:
                    seen.add(key)
                    errors.add(tuple(where), code, message)


@cache
def request_schemas() -> RequestSchemas:
    """The shipped extract with Discord's differences applied (built once per process)."""
    return RequestSchemas.from_extract(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bot.emulator.openapi path/to/discord-openapi.json",
              file=sys.stderr)
        return 2
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    SCHEMA_FILE.write_text(render(extract(spec, served_routes())), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
