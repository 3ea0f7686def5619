"""Opaque cursors for keyset pagination: the last row's sort key, signed so clients cannot forge one.

Pure: no Flask, no database. A cursor is bound to one resource, so a proposals cursor is refused by the
comments list, and any change to the token (or a token signed with another key) is refused.
"""
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer

SALT = "kylaraati.api.cursor.v1"
MAX_CURSOR_LENGTH = 512
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class InvalidCursor(ValueError):
    """The cursor was not made by this server for this list."""


class InvalidLimit(ValueError):
    """The page size is not a whole number between 1 and MAX_LIMIT."""


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the row with this sort key."""

    resource: str
    key: tuple


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def encode_cursor(secret: str, cursor: Cursor) -> str:
    """The opaque token of a cursor."""
    return _serializer(secret).dumps({"r": cursor.resource, "k": list(cursor.key)})


def decode_cursor(secret: str, resource: str, token: str, key_types: tuple[type, ...] = (int,)) -> Cursor:
    """The cursor of a token made for `resource`, whose key has values of `key_types`; else InvalidCursor."""
    if not token or len(token) > MAX_CURSOR_LENGTH:
        raise InvalidCursor("empty or too long")
    try:
        payload = _serializer(secret).loads(token)
    except (BadData, UnicodeError, ValueError) as error:
        raise InvalidCursor("not a cursor of this server") from error
    if not isinstance(payload, dict) or payload.get("r") != resource:
        raise InvalidCursor("a cursor of another list")
    key = payload.get("k")
    if not isinstance(key, list) or len(key) != len(key_types):
        raise InvalidCursor("malformed key")
    for value, kind in zip(key, key_types):
        # bool is an int in Python; a cursor never holds one.
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InvalidCursor("malformed key")
    return Cursor(resource, tuple(key))


def parse_limit(text: str | None) -> int:
    """The page size asked for (DEFAULT_LIMIT when not given)."""
    if text is None:
        return DEFAULT_LIMIT
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        raise InvalidLimit(text)
    value = int(text)
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidLimit(text)
    return value
