"""Small SQL helpers shared by the services."""


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so user text matches literally (use with escape='\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, wildcards in it taken literally."""
    return f"%{escape_like(text)}%"
