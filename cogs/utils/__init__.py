"""Helpers the cogs share, which are not cogs themselves (as RoboDanny's ``cogs/utils``).

The Discord side only: replies and error answers, the moderator check, the persistent buttons,
the publisher's Discord adapter, progress in one message, the loops' start. Nothing here
imports a cog; a cog imports these and the core, never another cog.
"""
