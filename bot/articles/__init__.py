"""Reading a piece of commentary: extraction, boilerplate removal, argument segmentation.

Pure Python: no ``discord`` import, no network. Dataclasses in, dataclasses out.
"""

from bot.articles.model import Argument, Article, Piece

__all__ = ["Argument", "Article", "Piece"]
