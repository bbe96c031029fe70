"""What ``python -m bot`` logs: its own records at ``COUNTERPOINT_LOG_LEVEL``, libraries' at
WARNING and above (all at that level with ``--debug``), and never a credential.

Libraries' INFO lines (discord.py's connection chatter, aiohttp's, feedparser's) say nothing
an operator acts on, and a one-shot command such as ``preview`` answers in one line; text
extraction's warnings ("discarding data") only repeat the error our own code then reports, so
those libraries log errors only unless ``--debug``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from bot.redact import RedactingFilter

#: Loggers of this project: ``logging.getLogger(__name__)`` in bot/ and cogs/, and the
#: "counterpoint" logger.
OWN_LOGGERS = ("counterpoint", "bot", "cogs")
#: Libraries whose warnings repeat what the caller reports itself ("no article text found").
EXTRACTION_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line (``COUNTERPOINT_LOG_FORMAT=json``): ``time`` (ISO 8601, UTC),
    ``level``, ``logger``, ``message`` and, for an exception, ``traceback``: what log
    collectors index without a parsing rule. A message's own line breaks stay inside its
    string, so one record is always one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, *, debug: bool = False, log_format: str = "text") -> None:
    """Set up the root handler for a command-line run (``level`` is a level name)."""
    own = logging.getLevelName(level)
    libraries = own if debug else max(own, logging.WARNING)
    logging.basicConfig(format=FORMAT)  # a handler on stderr, unless one is there already
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    logging.getLogger().setLevel(libraries)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(own)
    for name in EXTRACTION_LIBRARIES:
        logging.getLogger(name).setLevel(libraries if debug else max(own, logging.ERROR))
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
