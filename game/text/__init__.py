"""The terminal front end: a plain-text presenter of the Runner (it also drives transcript tests)."""
