"""Small helpers shared by the blueprints' views."""
from typing import TypeVar

from flask import abort

T = TypeVar("T")


def found_or_404(value: T | None) -> T:
    """The value a lookup found, or 404 Not Found when it found nothing."""
    if value is None:
        abort(404)
    return value
