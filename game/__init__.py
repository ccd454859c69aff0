"""Good Standing: an interactive-fiction engine built around public scores, and the game made with it."""

__version__ = "0.1.0"
