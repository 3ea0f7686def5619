"""Residents' comments on the agenda items of a planned meeting: the same discussion as on proposals,
open only while the meeting is planned, and reported and moderated the same way."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.comments.models import Comment, Report
from app.comments.services import CommentError, post_comment, thread_context
from app.extensions import db
from app.meetings.rules import MeetingStatus
from app.timeutil import utcnow
from tests.comment_helpers import (  # noqa: F401  (fixtures)
    comments,
    english,
    fill_thread,
    make_proposal,
    report,
    reports,
    reply,
    text,
    write,
)
from tests.conftest import count_queries, post_form
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401

CLOSED = "Comments on an agenda item close when the meeting is held."


@pytest.fixture
def agenda_comment(app, make_user):
    """A comment on an agenda item stored directly (no rate limit, any time), optionally hidden or a reply."""
    def make(item, author=None, body: str = "Hyvä asia!", stance: str | None = None, parent=None,
             age: timedelta = timedelta(0), **fields):
        comment = Comment(agenda_item_id=item.id, author=author or make_user(), body=body, stance=stance,
                          parent_id=parent.id if parent else None, created_at=utcnow() - age, **fields)
        db.session.add(comment)
        db.session.commit()
        return comment

    return make


def item_of(meeting, number: int = 1):
    return next(item for item in meeting.items if item.number == number)


def item_url(item) -> str:
    return f"/meetings/{item.meeting_id}/items/{item.id}"


def discussion(client, item, query: str = "") -> str:
    """The item's discussion page (with any flashed message)."""
    return text(client.get(f"{item_url(item)}/comments{query}"))


def comment_on(client, item, body: str, stance: str = "", **kwargs):
    return post_form(client, f"{item_url(item)}/comments", {"comment-body": body, "comment-stance": stance},
                     **kwargs)


def shown_comments(html: str) -> int:
    return len(re.findall(r'<article class="comment[ "]', html))


def set_status(meeting, status: str) -> None:
    meeting.status = status
    db.session.commit()


# --- writing ---------------------------------------------------------------------------------

def test_resident_comments_on_an_item_of_a_planned_meeting(english, make_meeting):
    meeting = make_meeting()
    item = item_of(meeting, 2)
    client, user = english("resident", name="Aino Asukas")
    response = comment_on(client, item, "Tie kaipaa valaistusta.", "for")
    (comment,) = comments()
    assert (comment.agenda_item_id, comment.proposal_id, comment.author_id, comment.stance) == (
        item.id, None, user.id, "for")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{item_url(item)}#comment-{comment.id}"
    html = discussion(client, item)
    assert "Your comment has been published." in html
    assert "Tie kaipaa valaistusta." in html and "Aino Asukas" in html and "Stance: For" in html
    assert "Your stance on the matter (optional)" in html
    assert f'action="{item_url(item)}/comments"' in html
    assert "until the meeting is held" in html
    assert "Report this proposal" not in html
    assert shown_comments(discussion(client, item_of(meeting, 1))) == 0  # only on its own item


def test_the_agenda_item_page_includes_the_discussion(english, make_meeting, agenda_comment):
    meeting = make_meeting()
    item = item_of(meeting)
    agenda_comment(item, body="Näkyy asian sivulla")
    client, _ = english()
    html = text(client.get(item_url(item)))
    assert 'id="comments"' in html and "Näkyy asian sivulla" in html
    assert f'action="{item_url(item)}/comments"' in html
    visitor, _ = english(None)
    html = text(visitor.get(item_url(item)))
    assert "Sign in to comment" in html and 'name="comment-body"' not in html


def test_bad_input_is_refused_and_nothing_is_stored(english, make_meeting):
    item = item_of(make_meeting())
    client, _ = english()
    response = comment_on(client, item, "   ", "maybe")
    assert response.status_code == 200
    html = text(response)
    assert "Write something first: the text is empty." in html and "Choose for, against, neutral" in html
    assert comments() == []


def test_visitor_cannot_comment(english, make_meeting):
    item = item_of(make_meeting())
    visitor, _ = english(None)
    response = comment_on(visitor, item, "Anonyymi")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert comments() == []


@pytest.mark.parametrize("status", [MeetingStatus.HELD, MeetingStatus.APPROVED])
def test_commenting_is_refused_once_the_meeting_is_held(english, make_meeting, make_user, status):
    meeting = make_meeting(status=MeetingStatus.HELD, starts_in=-timedelta(days=1))
    set_status(meeting, status)  # the helper cannot build approved minutes with items
    item = item_of(meeting)
    client, user = english()
    response = comment_on(client, item, "Myöhässä")
    assert response.status_code == 302 and response.headers["Location"] == f"{item_url(item)}#comments"
    html = discussion(client, item)
    assert CLOSED in html
    assert 'name="comment-body"' not in html and "until the meeting is held" not in html
    assert comments() == []
    with pytest.raises(CommentError) as refused:
        post_comment(user, item, "Suoraan palvelulle")
    assert refused.value.code == "meeting_not_planned"
    assert comments() == []


def test_the_same_limit_counts_comments_on_proposals_and_items(english, make_meeting, make_proposal):
    item, proposal = item_of(make_meeting()), make_proposal()
    client, _ = english()
    for n in range(3):
        assert write(client, proposal, f"Ehdotukseen {n}").status_code == 302
    for n in range(2):
        assert comment_on(client, item, f"Asiaan {n}").status_code == 302
    refused = comment_on(client, item, "Kuudes kommentti")
    assert refused.status_code == 429
    assert "many comments in a short time" in text(refused) and "Kuudes kommentti" in text(refused)
    assert len(comments()) == 5


# --- replies and editing ------------------------------------------------------------------------

def test_a_reply_stays_on_the_item(english, make_meeting, agenda_comment):
    meeting = make_meeting()
    item = item_of(meeting)
    parent = agenda_comment(item, body="Pääkommentti")
    client, _ = english()
    response = reply(client, parent, "Samaa mieltä")
    reply_comment = comments()[-1]
    assert (reply_comment.agenda_item_id, reply_comment.proposal_id, reply_comment.parent_id) == (
        item.id, None, parent.id)
    assert response.headers["Location"] == f"{item_url(item)}#comment-{reply_comment.id}"
    assert "Your reply has been published." in discussion(client, item)
    assert client.get(f"/comments/{parent.id}/reply").status_code == 200

    set_status(meeting, MeetingStatus.HELD)
    refused = reply(client, parent, "Liian myöhään")
    assert refused.headers["Location"] == f"{item_url(item)}#comment-{parent.id}"
    assert CLOSED in discussion(client, item)
    assert len(comments()) == 2


def test_a_reply_must_be_on_the_same_target(app, make_meeting, make_proposal, make_user, agenda_comment):
    meeting = make_meeting()
    first, second = item_of(meeting, 1), item_of(meeting, 2)
    parent = agenda_comment(first)
    user = make_user()
    with pytest.raises(CommentError) as refused:
        post_comment(user, second, "Väärä asia", parent=parent)
    assert refused.value.code == "wrong_agenda_item"
    with pytest.raises(CommentError) as refused:
        post_comment(user, make_proposal(), "Väärä kohde", parent=parent)
    assert refused.value.code == "wrong_proposal"
    assert len(comments()) == 1


def test_an_item_of_another_meeting_is_404(english, make_meeting, agenda_comment):
    meeting, other = make_meeting(), make_meeting()
    item = item_of(meeting)
    client, _ = english()
    assert client.get(f"/meetings/{other.id}/items/{item.id}/comments").status_code == 404
    assert comment_on(client, item, "Harhaan").status_code == 302  # the right meeting works
    wrong = post_form(client, f"/meetings/{other.id}/items/{item.id}/comments", {"comment-body": "Harhaan"})
    assert wrong.status_code == 404
    assert client.get(f"/meetings/{meeting.id}/items/999999/comments").status_code == 404
    assert len(comments()) == 1


def test_author_edits_while_the_meeting_is_planned(english, make_meeting, agenda_comment):
    meeting = make_meeting()
    item = item_of(meeting)
    client, user = english()
    comment = agenda_comment(item, user, body="Kirjotusvirhe", stance="against")
    form = text(client.get(f"/comments/{comment.id}/edit"))
    assert "Your stance on the matter (optional)" in form
    response = post_form(client, f"/comments/{comment.id}/edit",
                         {"body": "Kirjoitusvirhe korjattu", "stance": "neutral"})
    assert response.headers["Location"] == f"{item_url(item)}#comment-{comment.id}"
    db.session.refresh(comment)
    assert (comment.body, comment.stance, comment.edited_at is not None) == ("Kirjoitusvirhe korjattu", "neutral", True)

    set_status(meeting, MeetingStatus.HELD)
    refused = post_form(client, f"/comments/{comment.id}/edit", {"body": "Vielä kerran", "stance": ""})
    assert refused.headers["Location"] == f"{item_url(item)}#comment-{comment.id}"
    assert CLOSED in discussion(client, item)
    db.session.refresh(comment)
    assert comment.body == "Kirjoitusvirhe korjattu"


# --- reports and moderation ---------------------------------------------------------------------

def test_reporting_and_hiding_an_agenda_comment(english, make_meeting, make_user, agenda_comment):
    meeting = make_meeting()
    item = item_of(meeting)
    comment = agenda_comment(item, make_user(name="Riku Riitelijä"), body="Te olette kaikki idiootteja!")
    resident, _ = english()
    response = report(resident, comment, "Solvaus")
    assert response.headers["Location"] == f"{item_url(item)}#comment-{comment.id}"
    assert "Thank you. The coordinators will look at your report." in discussion(resident, item)
    (entry,) = reports()
    assert (entry.comment_id, entry.reason) == (comment.id, "Solvaus")

    coordinator, _ = english("coordinator")
    queue = text(coordinator.get("/moderation/"))
    assert "Comment by Riku Riitelijä" in queue and "Te olette kaikki idiootteja!" in queue
    assert "on the agenda item § 1 Asia 1 of the meeting" in queue
    assert f'href="{item_url(item)}#comment-{comment.id}"' in queue
    assert "Asia 1" in text(coordinator.get(f"/moderation/comment/{comment.id}/hide"))

    set_status(meeting, MeetingStatus.HELD)  # moderation goes on after the meeting
    hidden = post_form(coordinator, f"/moderation/comment/{comment.id}/hide",
                       {"reason": "Loukkaava", "next": f"{item_url(item)}#comment-{comment.id}"})
    assert hidden.headers["Location"] == f"{item_url(item)}#comment-{comment.id}"
    db.session.refresh(comment)
    assert comment.hidden_at is not None and comment.hidden_reason == "Loukkaava"
    assert reports()[0].resolution == "hidden"
    assert db.session.scalar(sa.select(AuditLog.action).order_by(AuditLog.id.desc()).limit(1)) == "comment.hidden"
    public = discussion(english(None)[0], item)
    assert "Hidden by a moderator: Loukkaava" in public and "idiootteja" not in public
    queue = text(coordinator.get("/moderation/"))
    assert "No reports are waiting." in queue and f'href="{item_url(item)}#comment-{comment.id}"' in queue

    post_form(coordinator, f"/moderation/comment/{comment.id}/unhide", {})
    db.session.refresh(comment)
    assert comment.hidden_at is None


def test_dismissing_reports_on_an_agenda_comment_on_approved_minutes(english, make_meeting, agenda_comment):
    meeting = make_meeting(status=MeetingStatus.HELD, starts_in=-timedelta(days=10))
    set_status(meeting, MeetingStatus.APPROVED)
    comment = agenda_comment(item_of(meeting), body="Asiallinen kommentti")
    db.session.add(Report(reporter_id=english()[1].id, comment_id=comment.id, reason="En pidä"))
    db.session.commit()
    coordinator, _ = english("coordinator")
    response = post_form(coordinator, f"/moderation/comment/{comment.id}/dismiss", {})
    assert response.status_code == 302
    assert reports()[0].resolution == "dismissed"
    db.session.refresh(comment)
    assert comment.hidden_at is None


def test_my_data_names_the_agenda_item(english, make_meeting):
    item = item_of(make_meeting())
    client, _ = english()
    comment_on(client, item, "Oma kommentti asiaan")
    (mine,) = client.get("/account/data.json").get_json()["comments"]
    assert (mine["agenda_item_id"], mine["proposal_id"], mine["text"]) == (item.id, None, "Oma kommentti asiaan")


# --- queries ------------------------------------------------------------------------------------

def _fill(item, agenda_comment, make_user, count: int) -> None:
    fill_thread(item, agenda_comment, [make_user() for _ in range(4)], count, hide_every=7)


def test_thread_queries_are_the_same_for_5_and_50_comments(english, make_meeting, make_user, agenda_comment):
    meeting = make_meeting()
    small, large = item_of(meeting, 1), item_of(meeting, 2)
    _fill(small, agenda_comment, make_user, 5)
    _fill(large, agenda_comment, make_user, 50)
    small_url, large_url = item_url(small), item_url(large)
    for role in (None, "resident", "coordinator"):
        client, user = english(role)
        if user is not None:
            report(client, comments()[2], "x")
        for page in ("/comments", ""):  # the discussion page and the agenda item page
            client.get(small_url + page)  # warm up: first-request work is not counted
            with count_queries() as few:
                small_html = client.get(small_url + page).get_data(as_text=True)
            with count_queries() as many:
                large_html = client.get(large_url + page).get_data(as_text=True)
            assert shown_comments(small_html) == 5 and shown_comments(large_html) == 50
            assert len(many) == len(few), (role, page, len(few), len(many))
    db.session.expire_all()
    with english(None)[0].application.test_request_context(), count_queries() as direct:
        context = thread_context(large, None, "newest")
    # the item, its meeting, the comments and their authors
    assert context["count"] == 50 and context["kind"] == "agenda_item" and len(direct) <= 4


def test_demo_data_has_a_discussion_on_the_planned_meeting(runner, english):
    from app.comments.demo import seed_agenda_comments

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    seed_agenda_comments()
    seed_agenda_comments()  # idempotent
    on_items = [c for c in comments() if c.agenda_item_id is not None]
    assert len(on_items) == 3 and sum(c.parent_id is not None for c in on_items) == 1
    item = on_items[0].agenda_item
    assert item.meeting.status == MeetingStatus.PLANNED
    html = discussion(english(None)[0], item)
    assert "Stances taken by 2 people" in html and "bussikatoksen" in html
