"""Notifications: storing them (`notify`), the list and the bell, preferences, unsubscribing, and the email
outbox that `flask notifications send` composes digests into and delivers, with retries.

Email is never sent in a web request: requests only write `Notification` and `EmailOutbox` rows.
"""
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.account.services import data_section
from app.auth.models import User
from app.extensions import db
from app.notifications import rules
from app.notifications.models import (
    EmailOutbox, EmailState, Notification, NotificationPreference, NotificationSettings,
)
from app.notifications.rules import Channels, Kind
from app.timeutil import utcnow


class NotificationError(ValueError):
    """A refused notification action; `code` names the reason for the view's message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _users(recipients: Iterable[User | int]) -> list[User]:
    """The distinct, not erased users among `recipients` (objects or ids), in one query for the ids."""
    by_id: dict[int, User] = {}
    ids = []
    for recipient in recipients:
        if isinstance(recipient, User):
            by_id.setdefault(recipient.id, recipient)
        elif recipient is not None:
            ids.append(int(recipient))
    missing = [i for i in dict.fromkeys(ids) if i not in by_id]
    if missing:
        for user in db.session.scalars(sa.select(User).where(User.id.in_(missing))):
            by_id[user.id] = user
    return [user for user in by_id.values() if not user.is_erased]


def channels_of(user_ids: list[int], kind: str) -> dict[int, Channels]:
    """Each person's channels for `kind` (two queries whatever the number of people)."""
    if not user_ids:
        return {}
    stored = {
        p.user_id: Channels(in_app=p.in_app, email=p.email)
        for p in db.session.scalars(sa.select(NotificationPreference).where(
            NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind))
    }
    emails_off = set(db.session.scalars(sa.select(NotificationSettings.user_id).where(
        NotificationSettings.user_id.in_(user_ids), NotificationSettings.all_email_off.is_(True))))
    return {
        user_id: rules.channels_for(kind, {kind: stored[user_id]} if user_id in stored else {},
                                    all_email_off=user_id in emails_off)
        for user_id in user_ids
    }


def notify(recipients: Iterable[User | int], kind: str, *, url: str, params: dict | None = None) -> None:
    """Tell `recipients` (users or user ids) about something of `kind`; commits.

    Stores one Notification per person whose preferences want it in the app or by email; the email is
    composed later by the sender in the person's language, at once or in their digest. Call this after
    the change it tells about has been committed. `params` (JSON-able) fill the kind's text
    (messages.py); `url` is where the notification leads (a path or an absolute URL).
    """
    if not rules.is_known_kind(kind):
        raise ValueError(f"unknown notification kind {kind!r}")
    json.dumps(params or {})  # a TypeError here, not a failed commit later
    users = _users(recipients)
    if not users:
        return
    _add_notifications(users, kind, url, dict(params or {}), utcnow())
    db.session.commit()


def enqueue_email(to_address: str, subject: str, body: str, *, user_id: int | None = None,
                  category: str = "transactional", headers: dict | None = None,
                  now: datetime | None = None) -> EmailOutbox | None:
    """Put a rendered email into the outbox for the sender (does not commit: part of the caller's change)."""
    if not to_address:
        return None
    row = EmailOutbox(to_address=to_address, subject=subject[:300], body=body, user_id=user_id,
                      category=category, headers=dict(headers or {}), status=rules.OutboxStatus.PENDING.value,
                      attempts=0, next_attempt_at=now or utcnow(), last_error="")
    db.session.add(row)
    return row


@dataclass(frozen=True)
class SendReport:
    """What one run of the sender did."""

    vote_notices: int
    composed: int
    sent: int
    failed: int
    retrying: int


# --- the list and the bell ------------------------------------------------------------------

def unread_count(user: User) -> int:
    """How many of the person's in-app notifications are unread (one query)."""
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.in_app.is_(True), Notification.read_at.is_(None))) or 0


def notifications_page(user: User, page: int, per_page: int):
    """One page of the person's in-app notifications, newest first (two queries: the count and the page)."""
    query = (sa.select(Notification).where(Notification.user_id == user.id, Notification.in_app.is_(True))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mark_read(user: User, notification_id: int, now: datetime | None = None) -> Notification:
    """Mark one of the person's notifications read; another person's is 'not found'."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id or not notification.in_app:
        raise NotificationError("not_found")
    if notification.read_at is None:
        notification.read_at = now or utcnow()
        db.session.commit()
    return notification


def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every unread notification of the person read; how many there were."""
    result = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), Notification.in_app.is_(True),
    ).values(read_at=now or utcnow()))
    db.session.commit()
    return result.rowcount or 0


# --- preferences ----------------------------------------------------------------------------

def settings_of(user_id: int) -> NotificationSettings:
    """The person's settings row (a fresh, unsaved one with the defaults if they never chose)."""
    settings = db.session.get(NotificationSettings, user_id)
    if settings is None:
        settings = NotificationSettings(user_id=user_id, frequency=rules.DEFAULT_FREQUENCY.value,
                                        all_email_off=False)
    return settings


def preferences_of(user_id: int) -> dict[str, Channels]:
    """Every kind's channels for the person (stored choices over the defaults), ignoring all-emails-off."""
    stored = {p.kind: Channels(in_app=p.in_app, email=p.email) for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    return {kind.value: rules.channels_for(kind, stored) for kind in rules.KINDS}


def save_preferences(user: User, channels: dict[str, Channels], frequency: str, all_email_off: bool) -> None:
    """Store the person's choices for every kind, their email frequency and the all-emails-off switch."""
    if frequency not in rules.Frequency.__members__.values():
        raise NotificationError("bad_frequency")
    existing = {p.kind: p for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for kind in rules.KINDS:
        chosen = channels.get(kind.value)
        if chosen is None:
            continue
        row = existing.get(kind.value)
        if row is None:
            row = NotificationPreference(user_id=user.id, kind=kind.value)
            db.session.add(row)
        row.in_app, row.email = chosen.in_app, chosen.email
    settings = settings_of(user.id)
    settings.frequency = frequency
    settings.all_email_off = all_email_off
    db.session.add(settings)
    _drop_unwanted_pending(user.id)
    db.session.commit()


def _drop_unwanted_pending(user_id: int) -> None:
    """Pending emails the person no longer wants are not sent (the in-app notifications stay)."""
    db.session.flush()
    settings = db.session.get(NotificationSettings, user_id)
    if settings is not None and settings.all_email_off:
        db.session.execute(sa.update(Notification).where(
            Notification.user_id == user_id, Notification.email_state == EmailState.PENDING,
        ).values(email_state=EmailState.NONE))
        return
    off = [p.kind for p in db.session.scalars(sa.select(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.email.is_(False)))]
    if off:
        db.session.execute(sa.update(Notification).where(
            Notification.user_id == user_id, Notification.email_state == EmailState.PENDING,
            Notification.kind.in_(off),
        ).values(email_state=EmailState.NONE))


# --- unsubscribing without signing in ---------------------------------------------------------

ALL_KINDS = "*"
_UNSUBSCRIBE_SALT = "kylaraati-unsubscribe"


def _serializer():
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token that turns off `kind`'s emails (or all, with ALL_KINDS) for the person."""
    return _serializer().dumps({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The person and kind a token names; NotificationError('bad_token') if forged or the person is gone."""
    from itsdangerous import BadSignature

    try:
        data = _serializer().loads(token)
        user_id, kind = int(data["u"]), str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotificationError("bad_token") from None
    user = db.session.get(User, user_id)
    if user is None or user.is_erased or (kind != ALL_KINDS and not rules.is_known_kind(kind)):
        raise NotificationError("bad_token")
    return user, kind


def unsubscribe(token: str) -> tuple[User, str]:
    """Turn off the emails a token names; idempotent. Returns the person and the kind."""
    user, kind = read_unsubscribe_token(token)
    if kind == ALL_KINDS:
        settings = settings_of(user.id)
        settings.all_email_off = True
        db.session.add(settings)
    else:
        row = db.session.scalar(sa.select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == kind))
        if row is None:
            current = rules.channels_for(kind, {})
            row = NotificationPreference(user_id=user.id, kind=kind, in_app=current.in_app)
            db.session.add(row)
        row.email = False
    _drop_unwanted_pending(user.id)
    db.session.commit()
    return user, kind


# --- the sender: vote notices, composing emails, delivering the outbox -------------------------

def _add_notifications(users: list[User], kind: str, url: str, params: dict, now: datetime) -> int:
    channels = channels_of([u.id for u in users], kind)
    added = 0
    for user in users:
        chosen = channels[user.id]
        wants_email = chosen.email and bool(user.email)
        if not chosen.in_app and not wants_email:
            continue
        db.session.add(Notification(
            user_id=user.id, kind=kind, params=dict(params), url=url or "", created_at=now,
            in_app=chosen.in_app, email_state=EmailState.PENDING if wants_email else EmailState.NONE,
        ))
        added += 1
    return added


def eligible_voters(budget) -> list[User]:
    """Who may vote in the budget today: current representatives and deputies of approved, active associations,
    or every registered, active person for a residents' vote."""
    from app.budgets.models import Electorate
    from app.directory.models import Association, Representation, RepresentationStatus
    from app.timeutil import today

    active = sa.and_(User.erased_at.is_(None), User.blocked_at.is_(None), User.password_hash.is_not(None))
    if budget.electorate == Electorate.RESIDENTS:
        return list(db.session.scalars(sa.select(User).where(active).order_by(User.id)))
    on = today()
    return list(db.session.scalars(
        sa.select(User).join(Representation, Representation.user_id == User.id)
        .join(Association, Association.id == Representation.association_id)
        .where(active, Association.is_active.is_(True), Representation.status == RepresentationStatus.APPROVED,
               Representation.starts_on <= on,
               sa.or_(Representation.ends_on.is_(None), Representation.ends_on >= on))
        .distinct().order_by(User.id)))


def _vote_state(budget, now: datetime) -> tuple[bool, bool, datetime | None]:
    """Is the vote open, is it over (both honour a coordinator's phase override), and when its window ends."""
    from app.budgets.services import voting_closed, voting_open
    from app.consultations.phases import Phase

    window = next((w for w in budget.consultation.windows() if w.phase == Phase.VOTING), None)
    return voting_open(budget, now), voting_closed(budget, now), window.ends_at if window else None


def announce_votes(now: datetime) -> int:
    """Notify eligible voters of every budget vote that opened or closed since the last run, once each."""
    from flask import url_for
    from sqlalchemy.exc import IntegrityError

    from app.budgets.models import Budget
    from app.notifications.models import BudgetVoteNotice

    sent_by_budget: dict[int, set[str]] = {}
    for notice in db.session.scalars(sa.select(BudgetVoteNotice)):
        sent_by_budget.setdefault(notice.budget_id, set()).add(notice.notice)
    announced = 0
    for budget in db.session.scalars(sa.select(Budget).order_by(Budget.id)).all():
        is_open, is_over, closes_at = _vote_state(budget, now)
        for due in rules.vote_notices_due(is_open, is_over, closes_at, now, sent_by_budget.get(budget.id, ())):
            kind = Kind.VOTE_OPENED if due == rules.VoteNotice.OPENED else Kind.VOTE_CLOSED
            url = url_for("budgets.detail", budget_id=budget.id) if due == rules.VoteNotice.OPENED \
                else url_for("budgets.results", budget_id=budget.id)
            params = {"budget": budget.title, "budget_id": budget.id}
            try:
                # The notice row first: a second sender running at the same time fails on its unique key.
                notice = BudgetVoteNotice(budget_id=budget.id, notice=due.value, sent_at=now)
                db.session.add(notice)
                db.session.flush()
                notice.recipients = _add_notifications(eligible_voters(budget), kind, url, params, now)
                db.session.commit()
                announced += 1
            except IntegrityError:
                db.session.rollback()
    return announced


def _absolute(url: str) -> str:
    from flask import request

    if url.startswith(("http://", "https://")):
        return url
    return request.host_url.rstrip("/") + "/" + url.lstrip("/")


def _unsubscribe_headers(user_id: int, kind: str) -> dict:
    from flask import url_for

    link = url_for("notifications.unsubscribe", token=unsubscribe_token(user_id, kind), _external=True)
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _hidden_replies(notifications: list[Notification]) -> set[int]:
    """Ids of the replies, among those the notifications quote, that a moderator has hidden since."""
    from app.comments.models import Comment

    ids = {n.params.get("comment_id") for n in notifications if n.kind == Kind.COMMENT_REPLY and n.params}
    ids.discard(None)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Comment.id).where(Comment.id.in_(ids), Comment.hidden_at.is_not(None))))


def _without_hidden_excerpt(notification: Notification, hidden: set[int]) -> dict | None:
    """The notification's params, without the reply's text if the reply has been hidden: an email never
    quotes what a moderator took off the site."""
    params = notification.params
    if params and params.get("comment_id") in hidden:
        return {k: v for k, v in params.items() if k != "excerpt"}
    return params


def _compose_for(user: User, notifications: list[Notification], now: datetime) -> EmailOutbox:
    """Render one email (a single notification or a digest) in the person's language into the outbox."""
    from flask import render_template, url_for
    from flask_babel import force_locale

    from app.notifications import messages

    hidden = _hidden_replies(notifications)
    with force_locale(user.language or "fi"):
        items = [{
            "text": messages.notification_text(n.kind, n.params),
            "detail": messages.notification_detail(n.kind, _without_hidden_excerpt(n, hidden)),
            "link": _absolute(n.url) if n.url else "",
            "created_at": n.created_at,
            "kind": n.kind,
            "unsubscribe": url_for("notifications.unsubscribe", token=unsubscribe_token(user.id, n.kind),
                                   _external=True),
        } for n in notifications]
        single = len(notifications) == 1
        kinds = sorted({n.kind for n in notifications})
        context = {
            "user": user, "items": items, "single": single,
            "kind_labels": {k: str(messages.KIND_LABELS.get(k, k)) for k in kinds},
            "unsubscribe_all": url_for("notifications.unsubscribe", token=unsubscribe_token(user.id, ALL_KINDS),
                                       _external=True),
            "settings_link": url_for("notifications.preferences", _external=True),
            "list_link": url_for("notifications.index", _external=True),
        }
        subject = (messages.single_subject(notifications[0].kind, notifications[0].params) if single
                   else messages.digest_subject(len(notifications)))
        body = render_template("email/notifications.txt", **context)
    headers = _unsubscribe_headers(user.id, notifications[0].kind if single else ALL_KINDS)
    return enqueue_email(user.email, subject, body, user_id=user.id,
                         category="notification" if single else "digest", headers=headers, now=now)


def compose_due(now: datetime) -> int:
    """Turn pending notification emails that are due into outbox emails; how many emails were composed.

    Immediate people get one email per notification; daily and weekly people one digest when their period
    is due (rules.due_for_digest). Each person's emails are committed together with their notifications'
    new state, so a crash never sends or loses one twice.
    """
    pending = db.session.execute(
        sa.select(Notification.user_id, Notification.id, Notification.created_at)
        .where(Notification.email_state == EmailState.PENDING, Notification.created_at <= now)
        .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    by_user: dict[int, list[rules.Pending]] = {}
    for user_id, notification_id, created_at in pending:
        by_user.setdefault(user_id, []).append(rules.Pending(notification_id, created_at))
    if not by_user:
        return 0
    settings = {s.user_id: s for s in db.session.scalars(
        sa.select(NotificationSettings).where(NotificationSettings.user_id.in_(list(by_user))))}
    composed = 0
    for user_id, items in by_user.items():
        setting = settings.get(user_id)
        frequency = setting.frequency if setting else rules.DEFAULT_FREQUENCY.value
        due_ids = rules.due_for_digest(items, frequency, setting.last_digest_at if setting else None, now)
        if not due_ids:
            continue
        # Claim them first: a sender running at the same time finds them no longer pending and leaves them.
        claimed = db.session.execute(sa.update(Notification).where(
            Notification.id.in_(due_ids), Notification.email_state == EmailState.PENDING,
        ).values(email_state=EmailState.QUEUED), execution_options={"synchronize_session": False}).rowcount
        if claimed != len(due_ids):
            db.session.rollback()
            continue
        user = db.session.get(User, user_id)
        notifications = list(db.session.scalars(sa.select(Notification).where(Notification.id.in_(due_ids))
                                                .order_by(Notification.created_at, Notification.id)
                                                .execution_options(populate_existing=True)))
        if user is None or user.is_erased or not user.email or (setting and setting.all_email_off):
            for notification in notifications:
                notification.email_state = EmailState.NONE
            db.session.commit()
            continue
        batches = [[n] for n in notifications] if frequency == rules.Frequency.IMMEDIATE else [notifications]
        for batch in batches:
            row = _compose_for(user, batch, now)
            db.session.flush()
            for notification in batch:
                notification.email_state = EmailState.QUEUED
                notification.outbox_id = row.id
            composed += 1
        if setting is None:
            setting = NotificationSettings(user_id=user_id, frequency=frequency, all_email_off=False)
            db.session.add(setting)
        setting.last_digest_at = now
        db.session.commit()
    return composed


# How long a claimed email is left alone by other senders: if this one dies while sending, it is retried then.
CLAIM_LEASE = timedelta(minutes=10)


def deliver(now: datetime, limit: int = 500) -> tuple[int, int, int]:
    """Send the outbox emails that are due; a failure is logged and retried later with backoff, and given up
    (status failed, kept) after rules.MAX_ATTEMPTS. Returns (sent, retrying, failed)."""
    from flask import current_app

    from app.mail import MailError, send_email

    due = db.session.execute(
        sa.select(EmailOutbox.id, EmailOutbox.attempts)
        .where(EmailOutbox.status == rules.OutboxStatus.PENDING.value, EmailOutbox.next_attempt_at <= now)
        .order_by(EmailOutbox.next_attempt_at, EmailOutbox.id).limit(limit)).all()
    sent = retrying = failed = 0
    for outbox_id, attempts in due:
        # Claim the email (one more attempt, out of other senders' way) and commit before sending it.
        claimed = db.session.execute(sa.update(EmailOutbox).where(
            EmailOutbox.id == outbox_id, EmailOutbox.status == rules.OutboxStatus.PENDING.value,
            EmailOutbox.attempts == attempts,
        ).values(attempts=attempts + 1, next_attempt_at=now + CLAIM_LEASE),
            execution_options={"synchronize_session": False}).rowcount
        db.session.commit()
        if not claimed:
            continue
        row = db.session.get(EmailOutbox, outbox_id, populate_existing=True)
        try:
            send_email(row.to_address, row.subject, row.body, headers=row.headers or {})
        except MailError as error:
            outcome = rules.after_failure(row.attempts, now)
            row.status = outcome.status.value
            row.last_error = str(error)[:2000]
            if outcome.next_attempt_at is not None:
                row.next_attempt_at = outcome.next_attempt_at
                retrying += 1
            else:
                failed += 1
            current_app.logger.warning("Email %s to %s failed (attempt %s): %s", row.id, row.to_address,
                                       row.attempts, error)
        else:
            row.status = rules.OutboxStatus.SENT.value
            row.sent_at = now
            row.last_error = ""
            sent += 1
        db.session.commit()
    return sent, retrying, failed


# Sent emails are kept this long (to answer "did it go?"), emails given up on a little longer.
KEEP_SENT = timedelta(days=30)
KEEP_FAILED = timedelta(days=90)


def purge(now: datetime) -> int:
    """Delete old sent and failed emails, and everything queued for or about people whose account was erased
    (their address and what they were told are personal data). Returns how many emails were deleted."""
    erased = sa.select(User.id).where(User.erased_at.is_not(None))
    doomed = sa.select(EmailOutbox.id).where(sa.or_(
        sa.and_(EmailOutbox.status == rules.OutboxStatus.SENT.value, EmailOutbox.sent_at < now - KEEP_SENT),
        sa.and_(EmailOutbox.status == rules.OutboxStatus.FAILED.value, EmailOutbox.created_at < now - KEEP_FAILED),
        EmailOutbox.user_id.in_(erased),
    ))
    ids = list(db.session.scalars(doomed))
    if ids:
        db.session.execute(sa.update(Notification).where(Notification.outbox_id.in_(ids)).values(outbox_id=None),
                           execution_options={"synchronize_session": False})
        db.session.execute(sa.delete(EmailOutbox).where(EmailOutbox.id.in_(ids)),
                           execution_options={"synchronize_session": False})
    for model in (Notification, NotificationPreference, NotificationSettings):
        db.session.execute(sa.delete(model).where(model.user_id.in_(erased)),
                           execution_options={"synchronize_session": False})
    db.session.commit()
    return len(ids)


def send_all(now: datetime | None = None, base_url: str = "http://localhost") -> SendReport:
    """One run of the sender: vote notices, due notification emails into the outbox, delivery, then clean-up."""
    from flask import current_app

    now = now or utcnow()
    with current_app.test_request_context("/", base_url=base_url):
        votes = announce_votes(now)
        composed = compose_due(now)
    # Nothing is sent to an erased account, even what was queued before the erasure.
    purge(now)
    sent, retrying, failed = deliver(now)
    return SendReport(vote_notices=votes, composed=composed, sent=sent, failed=failed, retrying=retrying)


@data_section
def _my_notifications(user: User):
    """The 'my data' export: notification settings, choices per kind and the notifications themselves."""
    settings = db.session.get(NotificationSettings, user.id)
    rows = db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id))
    return "notifications", {
        "email_frequency": settings.frequency if settings else rules.DEFAULT_FREQUENCY.value,
        "all_email_off": bool(settings and settings.all_email_off),
        "choices": {kind: {"in_app": c.in_app, "email": c.email} for kind, c in preferences_of(user.id).items()},
        "notifications": [{"kind": n.kind, "params": n.params, "url": n.url, "created_at": n.created_at.isoformat(),
                           "read_at": n.read_at.isoformat() if n.read_at else None, "in_app": n.in_app,
                           "email": n.email_state} for n in rows],
    }
