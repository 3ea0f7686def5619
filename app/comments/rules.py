"""Comment rules: edit window, reply depth, rate-limit tier, stance summary.

Plain Python: no Flask, no database. Comments are duck-typed (author_id, created_at,
parent_id, hidden_at, stance), and time is passed in.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

STANCES = ("for", "against", "neutral")
EDIT_WINDOW = timedelta(minutes=15)
MAX_BODY_LENGTH = 5000
MAX_REASON_LENGTH = 1000
ORDERS = ("oldest", "newest")


def edit_deadline(comment) -> datetime:
    """Until when the author may still edit the comment."""
    return comment.created_at + EDIT_WINDOW


def edit_refusal(comment, user_id: int | None, now: datetime) -> str | None:
    """Why `user_id` may not edit the comment at `now`, or None if they may."""
    if user_id is None or comment.author_id != user_id:
        return "not_author"
    if comment.hidden_at is not None:
        return "comment_hidden"
    if now >= edit_deadline(comment):
        return "edit_window_closed"
    return None


def reply_refusal(parent) -> str | None:
    """Why the comment cannot be replied to, or None. Threads are one level deep."""
    if parent.parent_id is not None:
        return "reply_to_reply"
    if parent.hidden_at is not None:
        return "comment_hidden"
    return None


def is_new_account(created_at: datetime | None, now: datetime, new_for: timedelta) -> bool:
    """Accounts younger than `new_for` get the tighter comment limit."""
    return created_at is None or now - created_at < new_for


def body_problem(body: str | None) -> str | None:
    """Why a comment text is not acceptable, or None."""
    if not body or not body.strip():
        return "empty"
    if len(body) > MAX_BODY_LENGTH:
        return "too_long"
    return None


@dataclass(frozen=True)
class StanceShare:
    """One stance's part of the summary: people, a whole percent for the text, exact width for the bar."""

    stance: str
    count: int
    percent: int      # whole percents that add up to 100 over the shares
    width: float      # exact share of the bar, 0–100
    offset: float     # where the segment starts, 0–100


@dataclass(frozen=True)
class StanceSummary:
    shares: tuple[StanceShare, ...]
    total: int


def latest_stances(comments: Iterable) -> dict[str, int]:
    """Count each person's latest stance once, over visible top-level comments."""
    latest: dict[int, tuple] = {}
    for comment in comments:
        if comment.stance is None or comment.hidden_at is not None or comment.parent_id is not None:
            continue
        key = (comment.created_at, comment.id)
        if comment.author_id not in latest or key > latest[comment.author_id][0]:
            latest[comment.author_id] = (key, comment.stance)
    counts = dict.fromkeys(STANCES, 0)
    for _key, stance in latest.values():
        counts[stance] += 1
    return counts


def stance_summary(counts: Mapping[str, int]) -> StanceSummary:
    """Shares of for/against/neutral; the whole percents use the largest remainder, so they add up to 100."""
    numbers = [max(0, int(counts.get(stance, 0))) for stance in STANCES]
    total = sum(numbers)
    if total == 0:
        return StanceSummary(tuple(StanceShare(s, 0, 0, 0.0, 0.0) for s in STANCES), 0)
    exact = [Fraction(n * 100, total) for n in numbers]
    percents = [int(e) for e in exact]
    by_remainder = sorted(range(len(STANCES)), key=lambda i: (-(exact[i] - percents[i]), i))
    for i in by_remainder[:100 - sum(percents)]:
        percents[i] += 1
    shares, offset = [], Fraction(0)
    for stance, n, e, p in zip(STANCES, numbers, exact, percents):
        shares.append(StanceShare(stance, n, p, round(float(e), 3), round(float(offset), 3)))
        offset += e
    return StanceSummary(tuple(shares), total)
