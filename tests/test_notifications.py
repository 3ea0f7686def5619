"""The notification centre: storing notifications by preference, the bell and the list, settings,
unsubscribing without signing in, digests, the outbox with retries, vote notices and the sender command."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.comments.models import Comment
from app.budgets.models import Budget
from app.consultations.models import Consultation, ConsultationPhase
from app.directory.models import Representation, RepresentationStatus
from app.extensions import db
from app.notifications import rules
from app.notifications.models import (
    BudgetVoteNotice, EmailOutbox, Notification, NotificationPreference, NotificationSettings,
)
from app.notifications.services import deliver, notify, unsubscribe_token
from app.timeutil import utcnow
from tests.comment_helpers import make_comment, make_proposal, reply  # noqa: F401  (fixtures)
from tests.conftest import count_queries, immediate_emails, login, post_form, sent_mail
from tests.proposal_helpers import english, text  # noqa: F401  (fixtures)

WEEK = timedelta(days=7)


def notifications(user=None) -> list[Notification]:
    db.session.expire_all()
    query = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    return list(db.session.scalars(query))


def outbox_rows() -> list[EmailOutbox]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(EmailOutbox).order_by(EmailOutbox.id)))


def answered(user, title="Laituri", answer="Laituri rakennetaan.") -> None:
    notify([user], "proposal_answered", url="/proposals/1", params={"proposal": title, "answer": answer})


# --- notify() ---------------------------------------------------------------------------------

def test_notify_stores_one_row_per_person_by_object_or_id_and_skips_erased_people(app, make_user):
    first, second, gone = make_user(), make_user(), make_user()
    gone.erased_at = utcnow()
    db.session.commit()
    notify([first, second.id, first.id, gone], "volunteer_task_changed", url="/events/3",
           params={"event": "Kylätalkoot", "task": "Kahvitus", "change": "moved"})
    rows = notifications()
    assert sorted(n.user_id for n in rows) == sorted([first.id, second.id])
    assert all(n.in_app and n.email_state == "pending" and n.read_at is None for n in rows)
    assert rows[0].params == {"event": "Kylätalkoot", "task": "Kahvitus", "change": "moved"}
    with pytest.raises(ValueError):
        notify([first], "no_such_kind", url="/")


def test_notify_follows_each_persons_channels(app, make_user):
    site_only, email_only, neither, no_emails = make_user(), make_user(), make_user(), make_user()
    db.session.add_all([
        NotificationPreference(user_id=site_only.id, kind="comment_reply", in_app=True, email=False),
        NotificationPreference(user_id=email_only.id, kind="comment_reply", in_app=False, email=True),
        NotificationPreference(user_id=neither.id, kind="comment_reply", in_app=False, email=False),
        NotificationSettings(user_id=no_emails.id, all_email_off=True),
    ])
    db.session.commit()
    notify([site_only, email_only, neither, no_emails], "comment_reply", url="/",
           params={"person": "Aino", "target": "Laituri"})
    stored = {n.user_id: (n.in_app, n.email_state) for n in notifications()}
    assert stored == {site_only.id: (True, "none"), email_only.id: (False, "pending"),
                      no_emails.id: (True, "none")}


@pytest.mark.parametrize("change, words", [("changed", "has changed"), ("cancelled", "was cancelled"),
                                           ("moved", "was moved to another time")])
def test_volunteer_task_changes_read_naturally(english, change, words):
    client, user = english()
    notify([user], "volunteer_task_changed", url="/events/1",
           params={"event": "Kylätalkoot", "task": "Kahvitus", "change": change})
    html = text(client.get("/notifications"))
    assert f"The volunteer task “Kahvitus” of Kylätalkoot {words}." in html


# --- the bell and the list --------------------------------------------------------------------

def test_the_bell_says_how_many_are_unread_in_words(english, make_user):
    client, user = english()
    html = client.get("/").get_data(as_text=True)
    assert "Notifications, none unread" in html
    for n in range(3):
        answered(user, title=f"Aloite {n}")
    html = client.get("/").get_data(as_text=True)
    assert "Notifications, 3 unread" in html
    assert '<span class="bell-count">3</span>' in html
    visitor, _ = english(None)
    assert "/notifications" not in visitor.get("/").get_data(as_text=True)


def test_the_list_is_newest_first_and_marks_one_and_all_read(english, make_user):
    client, user = english()
    other = make_user()
    answered(user, title="Vanha")
    answered(user, title="Uusi")
    answered(other, title="Toisen")
    html = text(client.get("/notifications"))
    assert html.index("“Uusi”") < html.index("“Vanha”") and "Toisen" not in html
    newest = notifications(user)[-1]
    response = post_form(client, f"/notifications/{newest.id}/read", {"next": "/notifications"},
                         token_from="/notifications")
    assert response.status_code == 302
    assert [n.read_at is not None for n in notifications(user)] == [False, True]
    assert "Notifications, 1 unread" in client.get("/notifications").get_data(as_text=True)
    # Someone else's notification cannot be marked.
    theirs = notifications(other)[0]
    response = post_form(client, f"/notifications/{theirs.id}/read", token_from="/notifications")
    assert "That notification was not found." in text(client.get(response.headers["Location"]))
    assert notifications(other)[0].read_at is None
    post_form(client, "/notifications/read-all", token_from="/notifications")
    assert all(n.read_at is not None for n in notifications(user))
    assert notifications(other)[0].read_at is None
    # Without the CSRF token nothing is marked.
    answered(user, title="Kolmas")
    assert client.post("/notifications/read-all").status_code == 400
    assert notifications(user)[-1].read_at is None


def test_opening_an_unread_notification_marks_it_read_and_goes_to_its_page(english):
    client, user = english()
    answered(user, title="Laituri")
    notification = notifications(user)[0]
    html = text(client.get("/notifications"))
    # Unread: the text is a button of a form that marks it read and goes on to the proposal.
    assert f'action="/notifications/{notification.id}/read"' in html
    assert f'name="next" value="{notification.url}"' in html
    response = post_form(client, f"/notifications/{notification.id}/read", {"next": notification.url},
                         token_from="/notifications")
    assert response.headers["Location"] == notification.url
    assert notifications(user)[0].read_at is not None
    # Read: a plain link.
    assert f'<a href="{notification.url}">' in text(client.get("/notifications"))


def test_the_list_paginates(app, english):
    client, user = english()
    for n in range(app.config["PAGE_SIZE"] + 3):
        answered(user, title=f"Aloite {n:02d}")
    first = text(client.get("/notifications"))
    assert "“Aloite 22”" in first and "“Aloite 02”" not in first and "Page 1 of 2" in first
    second = text(client.get("/notifications?page=2"))
    assert "“Aloite 02”" in second and "“Aloite 00”" in second and "“Aloite 22”" not in second


def test_the_list_and_the_bell_use_a_fixed_number_of_queries(app, english):
    client, user = english()

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/notifications").status_code == 200
        return len(statements)

    answered(user)
    few = queries()
    for n in range(30):
        answered(user, title=f"Aloite {n}")
    assert queries() == few
    assert few <= 8


def test_notifications_turned_off_in_the_app_do_not_show(english):
    client, user = english()
    notify([user], "comment_reply", url="/", params={"person": "Aino", "target": "Laituri"})
    db.session.add(NotificationPreference(user_id=user.id, kind="comment_reply", in_app=False, email=True))
    db.session.commit()
    notify([user], "comment_reply", url="/", params={"person": "Eero", "target": "Laituri"})
    html = text(client.get("/notifications"))
    assert "Aino replied" in html and "Eero replied" not in html
    assert "Notifications, 1 unread" in client.get("/").get_data(as_text=True)


# --- settings ---------------------------------------------------------------------------------

def test_settings_show_the_defaults_and_save_choices(english):
    client, user = english()
    html = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="weekly"|<input[^>]*value="weekly"[^>]*checked', html)
    assert 'id="email_new_proposal"' in html and "<caption>Notifications by kind</caption>" in html
    assert "/account/notifications" in client.get("/account/").get_data(as_text=True)
    data = {f"in_app_{k}": "y" for k in rules.KINDS if k != "comment_reply"}
    data.update({f"email_{k}": "y" for k in rules.KINDS if k != "new_proposal"})
    data["frequency"] = "daily"
    response = post_form(client, "/account/notifications", data, token_from="/account/notifications")
    assert response.status_code == 302
    assert "Your notification settings have been saved." in text(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(NotificationSettings, user.id).frequency == "daily"
    prefs = {p.kind: (p.in_app, p.email) for p in db.session.scalars(sa.select(NotificationPreference))}
    assert prefs["comment_reply"] == (False, True) and prefs["new_proposal"] == (True, False)
    assert prefs["vote_opened"] == (True, True)


def test_bad_settings_change_nothing(english):
    client, user = english()
    html = text(post_form(client, "/account/notifications", {"frequency": "hourly"},
                          token_from="/account/notifications"))
    assert "Not a valid choice" in html
    assert db.session.get(NotificationSettings, user.id) is None
    assert db.session.scalars(sa.select(NotificationPreference)).all() == []


def test_turning_emails_off_drops_pending_ones_but_keeps_them_in_the_app(english):
    client, user = english()
    answered(user)
    data = {f"in_app_{k}": "y" for k in rules.KINDS} | {f"email_{k}": "y" for k in rules.KINDS}
    data.update(frequency="weekly", all_email_off="y")
    post_form(client, "/account/notifications", data, token_from="/account/notifications")
    (row,) = notifications(user)
    assert row.in_app and row.email_state == "none"
    assert sent_mail(now=utcnow() + 2 * WEEK) == []


# --- emails: immediate, digests, language, unsubscribe -------------------------------------------

def test_nothing_is_emailed_inside_the_request(app, client, make_user):
    user = make_user()
    post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    assert app.extensions.get("mail_outbox", []) == []
    (row,) = outbox_rows()
    assert row.status == "pending" and row.to_address == user.email and row.category == "transactional"
    (mail,) = sent_mail()
    assert mail["To"] == user.email and "/password/reset/" in mail.get_content()
    assert outbox_rows()[0].status == "sent" and outbox_rows()[0].attempts == 1


def test_the_default_weekly_digest_groups_a_weeks_notifications(app, make_user):
    user = make_user()
    user.language = "en"
    db.session.commit()
    answered(user, title="Laituri")
    notify([user], "new_proposal", url="/proposals/2", params={"proposal": "Katos", "consultation": "Kylärahat"})
    assert sent_mail() == []  # not yet: a week from the first one
    (digest,) = sent_mail(now=utcnow() + WEEK + timedelta(minutes=1))
    body = digest.get_content()
    assert digest["Subject"] == "Kyläraati: 2 new notifications"
    assert "The proposal “Laituri” has received an official answer." in body
    assert "Laituri rakennetaan." in body  # the answer itself
    assert "A new proposal “Katos” in Kylärahat." in body
    assert "http://localhost/proposals/1" in body and "http://localhost/proposals/2" in body
    assert "/notifications/unsubscribe/" in digest["List-Unsubscribe"]
    assert "\nList-Unsubscribe: <http://localhost/notifications/unsubscribe/" in digest.as_string()  # not encoded
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert {n.email_state for n in notifications()} == {"queued"}
    # The next notification waits for the next period.
    answered(user, title="Toinen")
    assert len(sent_mail(now=utcnow() + WEEK + timedelta(hours=1))) == 1
    assert len(sent_mail(now=utcnow() + 2 * WEEK + timedelta(minutes=2))) == 2


def test_immediate_emails_come_one_by_one_in_the_persons_language(app, make_user):
    finn, english_speaker = make_user(), make_user()
    finn.language, english_speaker.language = "fi", "en"
    db.session.commit()
    immediate_emails(finn, english_speaker)
    notify([finn, english_speaker], "vote_closed", url="/budgets/1/results", params={"budget": "Kylärahat"})
    answered(english_speaker)
    mails = sent_mail()
    assert sorted(m["To"] for m in mails) == sorted([finn.email, english_speaker.email, english_speaker.email])
    finnish = next(m for m in mails if m["To"] == finn.email).get_content()
    english_mail = [m for m in mails if m["To"] == english_speaker.email]
    assert finnish.startswith(f"Hei {finn.display_name},")
    assert english_mail[0].get_content().startswith(f"Hello {english_speaker.display_name},")
    assert english_mail[0]["Subject"] == "Kyläraati: The vote on the budget “Kylärahat” has closed."
    assert sent_mail() == mails  # nothing twice


def test_an_unsubscribe_link_works_without_signing_in(app, client, make_user):
    user = make_user()
    immediate_emails(user)
    answered(user)
    (mail,) = sent_mail()
    link = re.search(r"http://localhost(/notifications/unsubscribe/[\w.\-]+)", mail["List-Unsubscribe"]).group(1)
    page = client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)
    assert notifications(user)[0].email_state == "queued"
    db.session.expire_all()
    assert db.session.scalars(sa.select(NotificationPreference)).all() == []  # asking changes nothing
    assert client.post(link).status_code == 200  # no session, no CSRF token: the signed token is enough
    db.session.expire_all()
    pref = db.session.scalar(sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    assert (pref.kind, pref.in_app, pref.email) == ("proposal_answered", True, False)
    answered(user)
    assert len(sent_mail()) == 1  # no new email; the notification is still in the app
    assert len(notifications(user)) == 2 and notifications(user)[1].email_state == "none"


def test_one_click_unsubscribe_from_all_and_forged_tokens(app, client, make_user):
    user = make_user()
    token = unsubscribe_token(user.id, "*")
    response = client.post(f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(NotificationSettings, user.id).all_email_off is True
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/notifications/unsubscribe/{forged}").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{forged}").status_code == 404
    with app.test_request_context():
        from itsdangerous import URLSafeSerializer
        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="elsewhere").dumps({"u": user.id, "k": "*"})
    assert client.get(f"/notifications/unsubscribe/{other_salt}").status_code == 404


# --- the outbox: failures, retries, nothing lost -----------------------------------------------

def test_a_failed_email_is_retried_with_backoff_then_given_up_and_kept(app, make_user, caplog):
    user = make_user()
    immediate_emails(user)
    answered(user)
    app.config["MAIL_TEST_FAILURE"] = "SMTPServerDisconnected: Connection unexpectedly closed"
    now = utcnow()
    sent_mail(now=now)
    (row,) = outbox_rows()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == now + timedelta(minutes=1) and "Connection unexpectedly closed" in row.last_error
    assert "failed (attempt 1)" in caplog.text
    assert notifications(user)[0].in_app and notifications(user)[0].read_at is None  # still in the app
    assert deliver(now + timedelta(seconds=30)) == (0, 0, 0)  # not before its time
    moment = now
    for attempt in range(2, rules.MAX_ATTEMPTS + 1):
        moment = moment + rules.retry_delay(attempt - 1)
        deliver(moment)
    (row,) = outbox_rows()
    assert (row.status, row.attempts) == ("failed", rules.MAX_ATTEMPTS)
    app.config["MAIL_TEST_FAILURE"] = None
    assert deliver(moment + timedelta(days=1)) == (0, 0, 0)  # given up: an operator sees it in `status`
    assert app.extensions.get("mail_outbox", []) == []


def test_a_retry_succeeds(app, make_user):
    user = make_user()
    immediate_emails(user)
    answered(user)
    app.config["MAIL_TEST_FAILURE"] = "timed out"
    now = utcnow()
    sent_mail(now=now)
    app.config["MAIL_TEST_FAILURE"] = None
    assert deliver(now + timedelta(minutes=1)) == (1, 0, 0)
    (row,) = outbox_rows()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [m["To"] for m in app.extensions["mail_outbox"]] == [user.email]


# --- what creates notifications --------------------------------------------------------------

def test_a_reply_notifies_the_comments_author_but_not_oneself(english, make_proposal, make_comment, make_user):
    author = make_user(name="Eero Edustaja")
    proposal = make_proposal(title="Laituri")
    parent = make_comment(proposal, author, body="Kuka rakentaa?")
    client, replier = english(name="Aino Asukas")
    assert reply(client, parent, "Talkoilla.").status_code == 302
    (row,) = notifications()
    assert row.user_id == author.id and row.kind == "comment_reply"
    assert row.params["person"] == "Aino Asukas" and row.params["target"] == "Laituri"
    assert row.url.startswith(f"/proposals/{proposal.id}") and row.url.endswith(f"#comment-{row.params['comment_id']}")
    own = make_comment(proposal, replier, body="Oma kommentti.")
    reply(client, own, "Ja vielä.")
    assert len(notifications()) == 1


def test_an_email_never_quotes_a_reply_a_moderator_has_hidden(english, make_proposal, make_comment, make_user):
    author = make_user(name="Eero Edustaja")
    immediate_emails(author)
    parent = make_comment(make_proposal(title="Laituri"), author, body="Kuka rakentaa?")
    client, _ = english(name="Aino Asukas")
    reply(client, parent, "Loukkaava vastaus.")
    reply(client, parent, "Asiallinen vastaus.")
    hidden_id = notifications()[0].params["comment_id"]
    db.session.get(Comment, hidden_id).hidden_at = utcnow()
    db.session.commit()
    bodies = "\n".join(m.get_content() for m in sent_mail())
    assert "Asiallinen vastaus." in bodies and "Loukkaava vastaus." not in bodies
    assert bodies.count("Aino Asukas vastasi kommenttiisi") == 2  # in Finnish, the author's language


def test_an_official_answer_notifies_author_and_followers_in_the_app(english, make_proposal, make_user):
    from app.proposals.models import Follow

    author, follower = make_user(), make_user()
    proposal = make_proposal(author=author, title="Laituri")
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    db.session.commit()
    board, member = english("board_member")
    post_form(board, f"/proposals/{proposal.id}/answer", {"answer": "Rakennetaan."})
    rows = notifications()
    assert sorted(n.user_id for n in rows) == sorted([author.id, follower.id])
    assert {n.kind for n in rows} == {"proposal_answered"} and rows[0].url == f"/proposals/{proposal.id}"


def test_an_approved_representation_is_notified(english, make_association, make_user):
    association = make_association()
    person = make_user()
    representation = Representation(user=person, association=association, starts_on=date(2026, 1, 1))
    db.session.add(representation)
    db.session.commit()
    coordinator, _ = english("coordinator")
    post_form(coordinator, f"/admin/representations/{representation.id}/approve", {"reason": ""},
              token_from="/admin/representations")
    (row,) = notifications()
    assert (row.user_id, row.kind, row.params["decision"]) == (person.id, "representation_decided", "approve")
    person.language = "en"
    db.session.commit()
    client = coordinator.application.test_client()
    login(client, person.email)
    assert f"Your request to represent {association.name} has been approved." in text(client.get("/notifications"))


# --- budget votes: opening and closing ------------------------------------------------------

@pytest.fixture
def voting_budget(app):
    def make(electorate="associations", opens=timedelta(hours=-1), closes=timedelta(days=14)):
        now = utcnow()
        consultation = Consultation(title="Kylärahat 2027")
        consultation.phases.append(ConsultationPhase(phase="voting", starts_at=now + opens, ends_at=now + closes))
        budget = Budget(consultation=consultation, title="Kylärahat 2027", total=Decimal("10000"),
                        electorate=electorate)
        db.session.add(budget)
        db.session.commit()
        return budget
    return make


def test_an_association_vote_opening_and_closing_reach_current_representatives_once(
        app, voting_budget, make_user, make_association):
    budget = voting_budget("associations")
    representative = make_user("representative")
    resident = make_user("resident")
    inactive = make_association(name="Lakannut ry", is_active=False)
    former = make_user()
    db.session.add_all([
        Representation(user=former, association=inactive, status=RepresentationStatus.APPROVED,
                       starts_on=date(2020, 1, 1)),
    ])
    db.session.commit()
    sent_mail()
    rows = notifications()
    assert [(n.user_id, n.kind) for n in rows] == [(representative.id, "vote_opened")]
    assert rows[0].url == f"/budgets/{budget.id}" and rows[0].params["budget"] == "Kylärahat 2027"
    sent_mail()
    assert len(notifications()) == 1  # idempotent
    closed_at = budget.consultation.phases[0].ends_at
    sent_mail(now=closed_at + timedelta(minutes=3))
    assert [(n.user_id, n.kind) for n in notifications()] == [(representative.id, "vote_opened"),
                                                              (representative.id, "vote_closed")]
    sent_mail(now=closed_at + timedelta(minutes=10))
    assert len(notifications()) == 2
    notices = db.session.scalars(sa.select(BudgetVoteNotice).order_by(BudgetVoteNotice.id)).all()
    assert [(n.notice, n.recipients) for n in notices] == [("opened", 1), ("closed", 1)]
    assert resident.id not in {n.user_id for n in notifications()}


def test_a_residents_vote_reaches_every_active_person(app, voting_budget, make_user):
    people = [make_user(), make_user("representative"), make_user("coordinator")]
    blocked = make_user()
    blocked.blocked_at = utcnow()
    db.session.commit()
    voting_budget("residents")
    sent_mail()
    assert sorted(n.user_id for n in notifications()) == sorted(p.id for p in people)


def test_a_vote_that_has_not_opened_is_not_announced(app, voting_budget, make_user):
    make_user("representative")
    voting_budget(opens=timedelta(days=1), closes=timedelta(days=10))
    sent_mail()
    assert notifications() == []


def test_a_vote_opened_and_closed_by_a_coordinators_override_is_announced(app, voting_budget, make_user):
    representative = make_user("representative")
    budget = voting_budget(opens=timedelta(days=3), closes=timedelta(days=10))
    budget.consultation.phase_override = "voting"  # opened early by hand
    db.session.commit()
    sent_mail()
    assert [(n.user_id, n.kind) for n in notifications()] == [(representative.id, "vote_opened")]
    budget.consultation.phase_override = "results"  # closed early by hand, before the window even began
    db.session.commit()
    sent_mail()
    assert [n.kind for n in notifications()] == ["vote_opened", "vote_closed"]


# --- the sender command --------------------------------------------------------------------

def test_the_sender_command_needs_a_server_name_and_reports(app, runner, make_user):
    user = make_user()
    immediate_emails(user)
    answered(user)
    refused = runner.invoke(args=["notifications", "send"])
    assert refused.exit_code == 1 and "SERVER_NAME" in refused.output
    app.config["SERVER_NAME"] = "kylaraati.example.fi"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    try:
        result = runner.invoke(args=["notifications", "send"])
        assert result.exit_code == 0, result.output
        assert "emails composed: 1, sent: 1" in result.output
        (mail,) = app.extensions["mail_outbox"]
        assert "https://kylaraati.example.fi/proposals/1" in mail.get_content()
        assert "<https://kylaraati.example.fi/notifications/unsubscribe/" in mail["List-Unsubscribe"]
        again = runner.invoke(args=["notifications", "send"])
        assert "emails composed: 0, sent: 0" in again.output
        status = runner.invoke(args=["notifications", "status"])
        assert "pending: 0, sent: 1, failed: 0" in status.output
    finally:
        app.config["SERVER_NAME"] = None


# --- demo data -----------------------------------------------------------------------------

def test_the_demo_resident_and_representative_have_notifications_once(app, client):
    from app.auth.models import User
    from app.demo import DEMO_PASSWORD, seed

    seed()
    first = notifications()
    resident = db.session.scalar(sa.select(User).where(User.email == "asukas@demo.kylaraati.fi"))
    representative = db.session.scalar(sa.select(User).where(User.email == "edustaja@demo.kylaraati.fi"))
    kinds = {n.kind for n in first if n.user_id == resident.id}
    assert {"proposal_answered", "comment_reply", "new_proposal"} <= kinds
    assert {"representation_decided", "vote_opened"} <= {n.kind for n in first if n.user_id == representative.id}
    # The made-up past ones are in the app only; the open demo vote was really announced to its voters.
    assert {n.email_state for n in first if n.kind != "vote_opened"} == {"none"}
    assert db.session.scalars(sa.select(BudgetVoteNotice.notice)).all() == ["opened"]
    assert any(n.read_at is None for n in first) and any(n.read_at is not None for n in first)
    seed()
    assert len(notifications()) == len(first)
    login(client, "asukas@demo.kylaraati.fi", DEMO_PASSWORD)
    page = client.get("/notifications")
    assert page.status_code == 200 and "notification-unread" in page.get_data(as_text=True)


def test_the_sender_command_takes_a_base_url_in_development(app, runner, make_user):
    user = make_user()
    immediate_emails(user)
    answered(user)
    result = runner.invoke(args=["notifications", "send", "--base-url", "http://127.0.0.1:5000/"])
    assert result.exit_code == 0, result.output
    (mail,) = app.extensions["mail_outbox"]
    assert "http://127.0.0.1:5000/proposals/1" in mail.get_content()


# --- personal data ---------------------------------------------------------------------------

def test_my_data_includes_notifications_and_erasure_forgets_them(app, english, make_user):
    import json

    client, user = english()
    immediate_emails(user)
    answered(user)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["notifications"]["email_frequency"] == "immediate"
    assert data["notifications"]["notifications"][0]["params"]["proposal"] == "Laituri"
    assert data["notifications"]["choices"]["comment_reply"] == {"in_app": True, "email": True}
    # Queued for the person, then the account is erased before the sender runs: nothing goes, nothing stays.
    from app.auth.services import erase_account
    from app.notify import email_user
    with app.test_request_context():
        email_user(user, "email/reset_password.txt", subject=lambda: "Reset", link="http://x", minutes=60)
    erase_account(user)
    assert sent_mail() == []
    assert outbox_rows() == [] and notifications() == []
    assert db.session.scalars(sa.select(NotificationSettings)).all() == []


def test_old_sent_emails_are_purged(app, make_user):
    user = make_user()
    immediate_emails(user)
    answered(user)
    sent_mail()
    assert [r.status for r in outbox_rows()] == ["sent"]
    from app.notifications.services import KEEP_SENT, purge
    assert purge(utcnow() + KEEP_SENT - timedelta(hours=1)) == 0
    assert purge(utcnow() + KEEP_SENT + timedelta(hours=1)) == 1
    assert outbox_rows() == [] and notifications(user)[0].outbox_id is None


def test_two_senders_at_once_send_each_email_once(app, make_user, monkeypatch):
    first, second = make_user(), make_user()
    immediate_emails(first, second)
    answered(first)
    answered(second)
    now = utcnow()
    from app.notifications.services import compose_due
    with app.test_request_context():
        assert compose_due(now) == 2
        assert compose_due(now) == 0  # the notifications were claimed: nothing composed twice
    import app.mail as mail_module
    real_send = mail_module.send_email
    nested = []

    def send_and_start_another_sender(*args, **kwargs):
        # While the first email is being sent, a second sender run starts and delivers what it can.
        if not nested:
            nested.append(None)
            nested[0] = deliver(now)
        real_send(*args, **kwargs)

    monkeypatch.setattr(mail_module, "send_email", send_and_start_another_sender)
    outer = deliver(now)
    assert nested == [(1, 0, 0)] and outer == (1, 0, 0)
    assert sorted(m["To"] for m in app.extensions["mail_outbox"]) == sorted([first.email, second.email])
    assert [(r.status, r.attempts) for r in outbox_rows()] == [("sent", 1), ("sent", 1)]


def test_params_must_be_json(app, make_user):
    with pytest.raises(TypeError):
        notify([make_user()], "vote_closed", url="/", params={"when": utcnow()})
    assert notifications() == []
