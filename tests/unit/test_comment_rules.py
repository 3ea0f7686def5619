"""Comment rules and the linkifier: plain Python, no app, no database."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from app.auth.rules import Action, can
from app.comments import rules
from app.comments.rules import (
    EDIT_WINDOW,
    edit_refusal,
    is_new_account,
    latest_stances,
    reply_refusal,
    stance_summary,
)
from app.linkify import linkify

NOW = datetime(2026, 11, 28, 12, 0)


@dataclass
class FakeComment:
    author_id: int = 1
    created_at: datetime = NOW
    parent_id: int | None = None
    hidden_at: datetime | None = None
    stance: str | None = None
    id: int = 1


@dataclass
class FakeUser:
    id: int = 1
    is_coordinator: bool = False
    is_board_member: bool = False
    is_authenticated: bool = True
    is_active: bool = True

    def current_representations(self, on):
        return []


# --- linkify -------------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("Katso https://iitti.fi.", 'Katso <a href="https://iitti.fi" rel="nofollow noopener noreferrer ugc">'
                                'https://iitti.fi</a>.'),
    ("http://a.fi/?x=1&y=2", '<a href="http://a.fi/?x=1&amp;y=2" rel="nofollow noopener noreferrer ugc">'
                             'http://a.fi/?x=1&amp;y=2</a>'),
    ("(https://fi.wikipedia.org/wiki/Iitti_(kunta))",
     '(<a href="https://fi.wikipedia.org/wiki/Iitti_(kunta)" rel="nofollow noopener noreferrer ugc">'
     'https://fi.wikipedia.org/wiki/Iitti_(kunta)</a>)'),
    ("ei linkkiä", "ei linkkiä"),
    ("https://", "https://"),
    ("", ""),
])
def test_linkify_makes_web_addresses_clickable(source, expected):
    assert str(linkify(source)) == expected


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">klikkaa</a>',
    "javascript:alert(1)",
    'https://x.fi/"onmouseover="alert(1)',
    "https://x.fi/'onmouseover='alert(1)",
    "https://x.fi/<script>alert(1)</script>",
    "https://x.fi/&quot;onmouseover=alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "https://x.fi/\"><svg onload=alert(1)>",
    "https://x.fi/`onmouseover=alert(1)`",
])
def test_linkify_never_lets_markup_through(attack):
    html = str(linkify(attack))
    # The only tags are our own anchors, each with one quoted href that holds no quote or angle bracket.
    stripped = html
    import re
    anchors = re.findall(r'<a href="([^"]*)" rel="nofollow noopener noreferrer ugc">', html)
    for href in anchors:
        assert href.lower().startswith(("http://", "https://")) and "<" not in href and ">" not in href
        assert "'" not in href
    stripped = re.sub(r'<a href="[^"]*" rel="nofollow noopener noreferrer ugc">', "", stripped).replace("</a>", "")
    assert "<" not in stripped and ">" not in stripped
    assert '"' not in stripped and "'" not in stripped


def test_linkify_output_is_markup_and_keeps_newlines():
    result = linkify("rivi 1\nrivi 2 https://iitti.fi")
    assert hasattr(result, "__html__") and "\n" in result


def test_linkify_ignores_addresses_glued_to_other_text():
    assert "<a" not in str(linkify("xhttps://iitti.fi"))


# --- editing and replying --------------------------------------------------------------------

def test_author_may_edit_within_the_window_only():
    comment = FakeComment(created_at=NOW)
    assert edit_refusal(comment, 1, NOW) is None
    assert edit_refusal(comment, 1, NOW + EDIT_WINDOW - timedelta(seconds=1)) is None
    assert edit_refusal(comment, 1, NOW + EDIT_WINDOW) == "edit_window_closed"
    assert edit_refusal(comment, 1, NOW + timedelta(days=1)) == "edit_window_closed"
    assert EDIT_WINDOW == timedelta(minutes=15)


def test_others_and_hidden_comments_cannot_be_edited():
    assert edit_refusal(FakeComment(author_id=1), 2, NOW) == "not_author"
    assert edit_refusal(FakeComment(author_id=1), None, NOW) == "not_author"
    assert edit_refusal(FakeComment(hidden_at=NOW), 1, NOW) == "comment_hidden"


def test_threads_are_one_level_deep():
    assert reply_refusal(FakeComment(parent_id=None)) is None
    assert reply_refusal(FakeComment(parent_id=7)) == "reply_to_reply"
    assert reply_refusal(FakeComment(hidden_at=NOW)) == "comment_hidden"


def test_body_problems():
    assert rules.body_problem("") == "empty"
    assert rules.body_problem(" \n\t") == "empty"
    assert rules.body_problem(None) == "empty"
    assert rules.body_problem("x" * 5000) is None
    assert rules.body_problem("x" * 10_000) == "too_long"


def test_new_account_tier():
    day = timedelta(hours=24)
    assert is_new_account(NOW - timedelta(hours=23), NOW, day)
    assert not is_new_account(NOW - timedelta(hours=24), NOW, day)
    assert is_new_account(None, NOW, day)


# --- stance summary --------------------------------------------------------------------------

def test_stance_percents_add_up_to_100_and_widths_are_exact():
    summary = stance_summary({"for": 1, "against": 1, "neutral": 1})
    assert [s.percent for s in summary.shares] == [34, 33, 33] and summary.total == 3
    assert [s.offset for s in summary.shares] == [0.0, 33.333, 66.667]
    for counts in ({"for": 2, "against": 1}, {"for": 7, "against": 5, "neutral": 1}, {"neutral": 4},
                   {"for": 1, "against": 2, "neutral": 3}):
        shares = stance_summary(counts).shares
        assert sum(s.percent for s in shares) == 100
        assert abs(sum(s.width for s in shares) - 100) < 0.01


def test_empty_and_bad_stance_counts():
    summary = stance_summary({})
    assert summary.total == 0 and all(s.percent == 0 and s.width == 0 for s in summary.shares)
    assert stance_summary({"for": -3, "against": 2}).total == 2
    assert [s.stance for s in summary.shares] == ["for", "against", "neutral"]


def test_latest_stance_per_person_in_visible_main_comments():
    comments = [
        FakeComment(id=1, author_id=1, stance="against", created_at=NOW),
        FakeComment(id=2, author_id=1, stance="for", created_at=NOW + timedelta(minutes=1)),
        FakeComment(id=3, author_id=2, stance="neutral"),
        FakeComment(id=4, author_id=3, stance="against", hidden_at=NOW),
        FakeComment(id=5, author_id=4, stance="against", parent_id=1),
        FakeComment(id=6, author_id=5, stance=None),
    ]
    assert latest_stances(comments) == {"for": 1, "against": 0, "neutral": 1}


def test_stances_match_the_database_check():
    from app.comments.models import STANCES

    assert rules.STANCES == STANCES


# --- permissions -----------------------------------------------------------------------------

def test_comment_permissions_by_role():
    resident, coordinator = FakeUser(id=1), FakeUser(id=2, is_coordinator=True)
    board = FakeUser(id=3, is_board_member=True)
    visitor = FakeUser(is_authenticated=False)
    blocked = FakeUser(id=4, is_active=False)
    for user in (resident, coordinator, board):
        assert can(user, Action.COMMENT) and can(user, Action.REPORT)
    for user in (visitor, blocked):
        assert not any(can(user, a) for a in (Action.COMMENT, Action.REPORT, Action.MODERATE, Action.BLOCK_USERS))
    assert can(coordinator, Action.MODERATE) and can(coordinator, Action.BLOCK_USERS)
    assert not can(resident, Action.MODERATE) and not can(board, Action.MODERATE)
    assert not can(board, Action.BLOCK_USERS)
    own, other = FakeComment(author_id=1), FakeComment(author_id=9)
    assert can(resident, Action.EDIT_OWN_COMMENT, own)
    assert not can(resident, Action.EDIT_OWN_COMMENT, other)
    assert not can(coordinator, Action.EDIT_OWN_COMMENT, own)
    assert not can(resident, Action.EDIT_OWN_COMMENT, None)
