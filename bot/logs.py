"""What ``python -m bot`` logs: its own records at ``COUNTERPOINT_LOG_LEVEL``, libraries' at
WARNING and above (all at that level with ``--debug``), and never a credential.

Libraries' INFO lines (discord.py's connection chatter, aiohttp's, feedparser's) say nothing
an operator acts on, and a one-shot command such as ``preview`` answers in one line; text
extraction's warnings ("discarding data") only repeat the error our own code then reports, so
those libraries log errors only unless ``--debug``.
"""

from __future__ import annotations

import logging

from bot.redact import RedactingFilter

#: Loggers of this project: ``logging.getLogger(__name__)`` in bot/ and cogs/, and the
#: "counterpoint" logger.
OWN_LOGGERS = ("counterpoint", "bot", "cogs")
#: Libraries whose warnings repeat what the caller reports itself ("no article text found").
EXTRACTION_LIBRARIES = ("trafilatura", "htmldate", "courlan", "justext")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str, *, debug: bool = False) -> None:
    """Set up the root handler for a command-line run (``level`` is a level name)."""
    own = logging.getLevelName(level)
    libraries = own if debug else max(own, logging.WARNING)
    logging.basicConfig(format=FORMAT)  # a handler on stderr, unless one is there already
    logging.getLogger().setLevel(libraries)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(own)
    for name in EXTRACTION_LIBRARIES:
        logging.getLogger(name).setLevel(libraries if debug else max(own, logging.ERROR))
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
