"""Cursors and page sizes of the API: pure, no app."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Cursor,
    InvalidCursor,
    InvalidLimit,
    decode_cursor,
    encode_cursor,
    parse_limit,
)

SECRET = "a-test-secret-of-some-length-0123456789"


@given(st.integers(min_value=1, max_value=2**31 - 1))
def test_a_cursor_round_trips(last_id):
    token = encode_cursor(SECRET, Cursor("proposals", (last_id,)))
    assert decode_cursor(SECRET, "proposals", token) == Cursor("proposals", (last_id,))


def test_a_cursor_is_opaque_and_url_safe():
    token = encode_cursor(SECRET, Cursor("proposals", (42,)))
    assert all(c.isalnum() or c in "-_." for c in token)


def test_a_cursor_of_another_list_is_refused():
    token = encode_cursor(SECRET, Cursor("proposals", (42,)))
    with pytest.raises(InvalidCursor):
        decode_cursor(SECRET, "comments", token)


def test_a_cursor_signed_with_another_key_is_refused():
    token = encode_cursor("another-secret-key-0123456789abcdef", Cursor("proposals", (42,)))
    with pytest.raises(InvalidCursor):
        decode_cursor(SECRET, "proposals", token)


@pytest.mark.parametrize("key", [("42",), (True,), (1.5,), (1, 2), ()])
def test_a_key_of_the_wrong_shape_is_refused(key):
    token = encode_cursor(SECRET, Cursor("proposals", key))  # a correctly signed but malformed key
    with pytest.raises(InvalidCursor):
        decode_cursor(SECRET, "proposals", token)


@given(st.text(max_size=700))
def test_any_other_text_is_refused(text):
    with pytest.raises(InvalidCursor):
        decode_cursor(SECRET, "proposals", text)


def test_a_tampered_cursor_is_refused():
    token = encode_cursor(SECRET, Cursor("proposals", (42,)))
    for position in range(len(token)):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1:]
        with pytest.raises(InvalidCursor):
            decode_cursor(SECRET, "proposals", changed)


@pytest.mark.parametrize("text, expected", [(None, DEFAULT_LIMIT), ("1", 1), ("100", MAX_LIMIT), ("07", 7)])
def test_page_sizes(text, expected):
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text", ["0", "101", "1000000000", "-1", "", "2.5", "abc", " 5", "٣", "１"])
def test_bad_page_sizes(text):
    with pytest.raises(InvalidLimit):
        parse_limit(text)
