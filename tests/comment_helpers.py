"""Fixtures and helpers shared by the comment and moderation tests: a proposal open for comments."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.comments.models import Comment, Report
from app.consultations.models import Consultation, ConsultationPhase
from app.extensions import db
from app.proposals.models import Proposal
from app.timeutil import utcnow
from tests.conftest import post_form
from tests.proposal_helpers import english, text  # noqa: F401  (shared with the proposal tests)


@pytest.fixture
def make_proposal(app, make_user):
    """A proposal in a consultation whose `phase` window runs from `starts` to `ends` (from now)."""
    def make(title: str = "Laituri Vuolenkosken uimarannalle", author=None, phase: str = "proposals",
             starts: timedelta = timedelta(days=-1), ends: timedelta | None = timedelta(days=30), **fields):
        now = utcnow()
        consultation = Consultation(title="Kylärahat 2027")
        consultation.phases.append(ConsultationPhase(phase=phase, starts_at=now + starts,
                                                     ends_at=now + ends if ends is not None else None))
        proposal = Proposal(consultation=consultation, author=author or make_user(), title=title,
                            body="Uimarannalle tarvitaan uusi laituri, vanha on lahonnut.", **fields)
        db.session.add(proposal)
        db.session.commit()
        return proposal

    return make


@pytest.fixture
def make_comment(app, make_user):
    """A comment stored directly (no rate limit, any time), optionally hidden or a reply."""
    def make(proposal, author=None, body: str = "Hyvä ehdotus!", stance: str | None = None, parent=None,
             age: timedelta = timedelta(0), **fields):
        comment = Comment(proposal_id=proposal.id, author=author or make_user(), body=body, stance=stance,
                          parent_id=parent.id if parent else None, created_at=utcnow() - age, **fields)
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


def comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment).order_by(Comment.id)))


def reports() -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Report).order_by(Report.id)))


def write(client, proposal, body: str, stance: str = "", **kwargs):
    """Send the comment form of a proposal's discussion."""
    data = {"comment-body": body, "comment-stance": stance}
    return post_form(client, f"/proposals/{proposal.id}/comments", data, **kwargs)


def reply(client, comment, body: str, **kwargs):
    return post_form(client, f"/comments/{comment.id}/reply", {"body": body}, **kwargs)


def report(client, comment, reason: str = "Loukkaava kommentti.", **kwargs):
    return post_form(client, f"/comments/{comment.id}/report", {"reason": reason}, **kwargs)


def fill_thread(target, add_comment, authors: list, count: int, hide_every: int, reply_body: str = "Vastaus {n}"):
    """`count` comments on `target` (a proposal or an agenda item) through `add_comment(target, author, ...)`:
    every third a reply to the latest top-level comment, stances in turn, every `hide_every`th hidden by a
    moderator. For the tests that the thread's queries do not grow with it."""
    parents = []
    for n in range(count):
        author = authors[n % len(authors)]
        if parents and n % 3 == 0:
            add_comment(target, author, body=reply_body.format(n=n), parent=parents[-1])
        else:
            parents.append(add_comment(target, author, body=f"Kommentti {n}",
                                       stance=("for", "against", "neutral", None)[n % 4],
                                       hidden_at=utcnow() if n % hide_every == 0 else None, hidden_reason="Asiaton"))
