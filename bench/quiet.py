"""Logging for the benchmarks that run a real bot: warnings only, so the figures stand out."""

from __future__ import annotations

import logging

import discord


def quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("discord", "counterpoint", "bot", "cogs", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # Voice is never used; its missing-library warnings are noise here.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
