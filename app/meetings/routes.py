"""Meeting pages: bodies and members, the meeting list and calendar feed, a meeting with its agenda, agenda
items with their links, statements and decisions, attendance, the printable minutes and amendments."""
from datetime import datetime, time, timedelta, timezone

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.models import User
from app.auth.permissions import Action, can, require, requires
from app.budgets.models import Budget
from app.directory.models import Association
from app.directory.services import association_query
from app.extensions import db
from app.forms import ConfirmForm, as_id, errors_text
from app.http import found_or_404
from app.meetings import bp, rules, services
from app.meetings.forms import (
    AmendmentForm,
    BodyForm,
    DecisionForm,
    EndMemberForm,
    ItemForm,
    MeetingForm,
    MemberForm,
    StatementForm,
)
from app.meetings.messages import LABELS, error_message
from app.meetings.models import AgendaLink, Body, BodyMember, Statement
from app.meetings.rules import MeetingError, MeetingStatus, MemberRole, VoteChoice
from app.proposals import notifications
from app.proposals.forms import STATE_LABELS
from app.proposals.models import Proposal
from app.proposals.services import ProposalError
from app.timeutil import HELSINKI, today, utcnow

# --- helpers -------------------------------------------------------------------------------------


def _meeting_or_404(meeting_id: int):
    return found_or_404(services.get_meeting(meeting_id))


def _item_or_404(meeting, item_id: int):
    return found_or_404(services.get_item(meeting, item_id))


def _body_or_404(body_id: int) -> Body:
    return found_or_404(db.session.get(Body, body_id))


def _refuse(error: MeetingError, url: str):
    flash(error_message(error), "error")
    return redirect(url)


def _item_url(item, anchor: str = "") -> str:
    return url_for("meetings.item", meeting_id=item.meeting_id, item_id=item.id, _anchor=anchor or None)


def _utc(day, at: time) -> datetime:
    """A Helsinki wall-clock day and time as stored: naive UTC."""
    return datetime.combine(day, at, HELSINKI).astimezone(timezone.utc).replace(tzinfo=None)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(HELSINKI)


# --- bodies --------------------------------------------------------------------------------------

@bp.route("/bodies")
def bodies():
    """The bodies and who sits on them."""
    items = services.all_bodies()
    on = today()
    return render_template("meetings/bodies.html", bodies=items,
                           members={b.id: [m for m in services.members_of(b) if m.ends_on is None or m.ends_on >= on]
                                    for b in items},
                           can_manage=can(Action.MANAGE_BODIES), **LABELS)


@bp.route("/bodies/new", methods=["GET", "POST"])
@bp.route("/bodies/<int:body_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_BODIES)
def edit_body(body_id=None):
    body = _body_or_404(body_id) if body_id else None
    form = BodyForm(obj=body)
    if form.validate_on_submit():
        try:
            body = services.save_body(current_user, body, name=form.name.data, kind=form.kind.data,
                                      description=form.description.data or "", quorum_rule=form.quorum_rule.data,
                                      is_active=form.is_active.data)
        except MeetingError as error:
            form.name.errors = [*form.name.errors, error_message(error)]
        else:
            flash(_("The body was saved."), "success")
            return redirect(url_for("meetings.members", body_id=body.id))
    return render_template("meetings/body_form.html", form=form, body=body), 422 if form.errors else 200


def _member_form(body, **kwargs) -> MemberForm:
    on = today()
    seats = [m for m in services.members_of(body) if m.role != MemberRole.DEPUTY and (m.ends_on is None or m.ends_on >= on)]
    return MemberForm(list(db.session.scalars(association_query())), seats, **kwargs)


@bp.route("/bodies/<int:body_id>/members", methods=["GET", "POST"])
@requires(Action.MANAGE_BODIES)
def members(body_id):
    """The coordinator's list of a body's members (current and past), and the form to add one."""
    body = _body_or_404(body_id)
    form = _member_form(body)
    status = 200
    if form.validate_on_submit():
        user = None
        if form.email.data:
            user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == form.email.data.lower()))
            if user is None:
                form.email.errors = [_("No account has that email address.")]
        if not form.errors:
            try:
                services.add_member(
                    current_user, body, name=form.name.data, role=form.role.data, starts_on=form.starts_on.data,
                    user=user, association=db.session.get(Association, form.association_id.data)
                    if form.association_id.data else None,
                    deputy_for=db.session.get(BodyMember, form.deputy_for_id.data) if form.deputy_for_id.data
                    else None)
            except MeetingError as error:
                form.role.errors = [error_message(error)]
            else:
                flash(_("%(name)s was added to %(body)s.", name=form.name.data, body=body.name), "success")
                return redirect(url_for("meetings.members", body_id=body.id))
    if form.errors:
        status = 422
    return render_template("meetings/members.html", body=body, form=form, end_form=EndMemberForm(),
                           members=services.members_of(body), today=today(), **LABELS), status


@bp.route("/bodies/<int:body_id>/members/<int:member_id>/end", methods=["POST"])
@requires(Action.MANAGE_BODIES)
def end_member(body_id, member_id):
    body = _body_or_404(body_id)
    member = db.session.get(BodyMember, member_id)
    if member is None or member.body_id != body.id:
        abort(404)
    form = EndMemberForm()
    back = url_for("meetings.members", body_id=body.id)
    if not form.validate_on_submit():
        flash(errors_text(form.ends_on.errors) or _("Write a date, for example 12.3.2027, or pick one."), "error")
        return redirect(back)
    try:
        services.end_member(current_user, member, form.ends_on.data)
    except MeetingError as error:
        return _refuse(error, back)
    flash(_("The membership of %(name)s ends on %(day)s.", name=member.name,
            day=form.ends_on.data.strftime("%-d.%-m.%Y")), "success")
    return redirect(back)


# --- meetings ------------------------------------------------------------------------------------

@bp.route("/meetings")
def index():
    """Upcoming meetings, then past ones (paginated), optionally of one body."""
    now = utcnow()
    body_id = as_id(request.args.get("body"))
    upcoming = list(db.session.scalars(services.meetings_query(body_id, True, now).limit(50)))
    past = db.paginate(services.meetings_query(body_id, False, now), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("meetings/list.html", upcoming=upcoming, past=past, body_id=body_id,
                           bodies=services.all_bodies(), can_manage=can(Action.MANAGE_MEETINGS), **LABELS)


@bp.route("/meetings.ics")
def calendar_feed():
    """Every meeting as an iCalendar feed, for a phone's or an office's calendar."""
    from app.ical import FeedEntry, calendar_response, feed_host

    host = feed_host()
    entries = [FeedEntry(
        uid=f"meeting-{meeting.id}@{host}", stamp=meeting.created_at, starts=meeting.starts_at,
        ends=meeting.ends_at or meeting.starts_at + timedelta(hours=2),
        summary=" – ".join(part for part in (meeting.body.name, meeting.title) if part),
        location=meeting.place or meeting.video_url,
        url=url_for("meetings.detail", meeting_id=meeting.id, _external=True)) for meeting in services.feed_meetings()]
    return calendar_response(_("Kyläraati: meetings"), entries, "meetings.ics")


def _meeting_form(meeting=None, **kwargs) -> MeetingForm:
    form = MeetingForm(services.all_bodies(active_only=meeting is None), obj=meeting, **kwargs)
    if meeting is not None and request.method == "GET":
        start = _local(meeting.starts_at)
        form.day.data, form.starts.data = start.date(), start.time()
        form.ends.data = _local(meeting.ends_at).time() if meeting.ends_at else None
    return form


@bp.route("/meetings/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_MEETINGS)
def edit_meeting(meeting_id=None):
    meeting = _meeting_or_404(meeting_id) if meeting_id else None
    if meeting is not None and meeting.status == MeetingStatus.APPROVED:
        return _refuse(MeetingError("minutes_approved"), url_for("meetings.detail", meeting_id=meeting.id))
    form = _meeting_form(meeting)
    if not form.body_id.choices:
        flash(_("Add a body first: meetings are meetings of a body."), "error")
        return redirect(url_for("meetings.bodies"))
    if form.validate_on_submit():
        starts_at = _utc(form.day.data, form.starts.data)
        ends_at = _utc(form.day.data, form.ends.data) if form.ends.data else None
        draft = services.MeetingDraft(
            body_id=form.body_id.data, starts_at=starts_at, ends_at=ends_at, title=form.title.data or "",
            place=form.place.data or "", video_url=form.video_url.data or "",
            other_attendees=form.other_attendees.data or "", chair_name=form.chair_name.data or "",
            secretary_name=form.secretary_name.data or "", minutes_checkers=form.minutes_checkers.data or "")
        try:
            meeting = services.save_meeting(current_user, meeting, draft)
        except MeetingError as error:
            field = {"ends_before_start": form.ends, "bad_video_url": form.video_url,
                     "place_required": form.place}.get(error.code, form.body_id)
            field.errors = [*field.errors, error_message(error)]
        else:
            flash(_("The meeting was saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/meeting_form.html", form=form, meeting=meeting), 422 if form.errors else 200


def _meeting_context(meeting):
    members = services.meeting_members(meeting)
    return {
        "meeting": meeting,
        "members": members,
        "inputs": services.meeting_input(meeting),
        "quorum": services.meeting_quorum(meeting, members),
        "attendance": {a.member_id: a for a in meeting.attendance},
        "can_manage": can(Action.MANAGE_MEETINGS),
        "form": ConfirmForm(),
        "now": utcnow(),
        **LABELS,
    }


@bp.route("/meetings/<int:meeting_id>")
def detail(meeting_id):
    """A meeting: when and where, its status, and its agenda with what each item links to."""
    meeting = _meeting_or_404(meeting_id)
    return render_template("meetings/detail.html", **_meeting_context(meeting))


@bp.route("/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id):
    """The minutes as one printable page (draft until approved)."""
    meeting = _meeting_or_404(meeting_id)
    context = _meeting_context(meeting)
    context["counts"] = {item.id: services.roll_call_counts(context["inputs"][item.id].votes)
                         for item in meeting.items}
    return render_template("meetings/minutes.html", amendment_form=AmendmentForm(meeting.items), **context)


@bp.route("/meetings/<int:meeting_id>/status", methods=["POST"])
@requires(Action.MANAGE_MEETINGS)
def move_status(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    back = url_for("meetings.detail", meeting_id=meeting.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    target = request.form.get("status", "")
    try:
        services.move_status(current_user, meeting, target, utcnow())
    except MeetingError as error:
        return _refuse(error, back)
    flash(_("The minutes were approved. They are now read-only; corrections are recorded as amendments.")
          if target == MeetingStatus.APPROVED else
          _("The meeting is marked held. Record who was present and the decisions."), "success")
    return redirect(back)


@bp.route("/meetings/<int:meeting_id>/amendments", methods=["POST"])
@requires(Action.MANAGE_MEETINGS)
def amend(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    back = url_for("meetings.minutes", meeting_id=meeting.id, _anchor="amendments")
    form = AmendmentForm(meeting.items)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors_text(errors), "error")
        return redirect(back)
    item = services.get_item(meeting, form.item_id.data) if form.item_id.data else None
    try:
        services.add_amendment(current_user, meeting, item, form.text.data, form.reason.data, utcnow())
    except MeetingError as error:
        return _refuse(error, back)
    flash(_("The amendment was recorded beside the minutes."), "success")
    return redirect(back)


# --- attendance ----------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@requires(Action.MANAGE_MEETINGS)
def attendance(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    back = url_for("meetings.detail", meeting_id=meeting.id)
    try:
        rules.check_recording_open(meeting.status)
    except MeetingError as error:
        return _refuse(error, back)
    members = services.meeting_members(meeting)
    form = ConfirmForm()
    if form.validate_on_submit():
        present = set()
        for value in request.form.getlist("present"):
            if not value.isdigit():
                abort(400)
            present.add(int(value))
        notes = {m.id: request.form.get(f"note-{m.id}", "") for m in members}
        try:
            services.record_attendance(current_user, meeting, present, notes)
        except MeetingError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Attendance was recorded."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="attendance"))
    return render_template("meetings/attendance.html", meeting=meeting, members=members, form=form,
                           attendance={a.member_id: a for a in meeting.attendance}, **LABELS)


# --- agenda items --------------------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_MEETINGS)
def edit_item(meeting_id, item_id=None):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id) if item_id else None
    try:
        rules.check_editable(meeting.status)
    except MeetingError as error:
        return _refuse(error, url_for("meetings.detail", meeting_id=meeting.id))
    form = ItemForm(obj=item)
    if item is None and request.method == "GET":
        form.number.data = services.next_item_number(meeting)
    if form.validate_on_submit():
        try:
            item = services.save_item(current_user, meeting, item, number=form.number.data, title=form.title.data,
                                      presentation=form.presentation.data or "")
        except MeetingError as error:
            form.number.errors = [*form.number.errors, error_message(error)]
        else:
            flash(_("§ %(number)d was saved.", number=item.number), "success")
            return redirect(_item_url(item))
    return render_template("meetings/item_form.html", form=form, meeting=meeting, item=item), \
        422 if form.errors else 200


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>")
def item(meeting_id, item_id):
    """An agenda item: its presentation, what it links to, statements, comments and the decision."""
    from app.comments.services import thread_context

    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    on, now = today(), utcnow()
    inputs = services.meeting_input(meeting, [item])[item.id]
    can_manage = can(Action.MANAGE_MEETINGS)
    query = request.args.get("q", "").strip()
    linked_ids = [link.proposal_id for link in inputs.links if link.proposal_id]
    associations = services.statement_associations(current_user, item, on) \
        if meeting.status == MeetingStatus.PLANNED else []
    statement_form = StatementForm(associations) if associations else None
    thread = thread_context(item, current_user, request.args.get("comments"), now)
    context = {
        "meeting": meeting,
        "item": item,
        "input": inputs,
        "can_manage": can_manage,
        "editable": meeting.status in rules.AGENDA_EDITABLE,
        "query": query,
        "found": services.find_proposals(query, linked_ids) if can_manage and query else [],
        "budgets": list(db.session.scalars(db.select(Budget).order_by(Budget.id.desc()).limit(50)))
        if can_manage and meeting.status in rules.AGENDA_EDITABLE else [],
        "linkable_comments": services.linkable_comments(inputs.links)
        if can_manage and meeting.status in rules.AGENDA_EDITABLE else [],
        "statement_form": statement_form,
        "offers": services.proposal_offers(item, inputs.links) if item.outcome and can_manage else [],
        "counts": services.roll_call_counts(inputs.votes),
        "state_labels": STATE_LABELS,
        "form": ConfirmForm(),
        "thread": thread,
        "can_moderate": can(Action.MODERATE),
        **LABELS,
    }
    return render_template("meetings/item.html", **context)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/links", methods=["POST"])
@requires(Action.MANAGE_MEETINGS)
def add_link(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    kind, target = request.form.get("kind", ""), request.form.get("target", "").strip().lstrip("#")
    if not target.isdigit() or len(target) > 9:
        return _refuse(MeetingError(f"unknown_{kind}" if kind in services.LINK_KINDS else "unknown_link_kind"),
                       _item_url(item, "links"))
    try:
        services.add_link(current_user, item, kind, int(target))
    except MeetingError as error:
        return _refuse(error, _item_url(item, "links"))
    flash(_("The link was added."), "success")
    return redirect(_item_url(item, "links"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/links/<int:link_id>/remove", methods=["POST"])
@requires(Action.MANAGE_MEETINGS)
def remove_link(meeting_id, item_id, link_id):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    link = db.session.get(AgendaLink, link_id)
    if link is None or link.item_id != item.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_link(current_user, link)
    except MeetingError as error:
        return _refuse(error, _item_url(item, "links"))
    flash(_("The link was removed."), "success")
    return redirect(_item_url(item, "links"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/statement", methods=["POST"])
@login_required
def statement(meeting_id, item_id):
    """A representative writes the association's statement on the item."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    on = today()
    associations = services.statement_associations(current_user, item, on)
    back = _item_url(item, "statements")
    if not associations:
        abort(403)  # only current representatives of an association write statements
    form = StatementForm(associations)
    if not form.validate_on_submit():
        flash(errors_text(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    association = next(a for a in associations if a.id == form.association_id.data)
    require(Action.ACT_FOR_ASSOCIATION, association)
    try:
        services.save_statement(current_user, item, association, form.body.data, on, utcnow())
    except MeetingError as error:
        return _refuse(error, back)
    flash(_("The statement of %(association)s was published.", association=association.name), "success")
    return redirect(back)


def _statement_or_404(item, statement_id: int) -> Statement:
    statement = db.session.get(Statement, statement_id)
    if statement is None or statement.item_id != item.id:
        abort(404)
    return statement


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/statements/<int:statement_id>/hide", methods=["POST"])
@requires(Action.MODERATE)
def hide_statement(meeting_id, item_id, statement_id):
    """A moderator hides a statement with a reason; it is kept and can be shown again."""
    item = _item_or_404(_meeting_or_404(meeting_id), item_id)
    statement = _statement_or_404(item, statement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.hide_statement(current_user, statement, request.form.get("reason", ""), utcnow())
    except MeetingError as error:
        return _refuse(error, _item_url(item, "statements"))
    flash(_("The statement was hidden."), "success")
    return redirect(_item_url(item, "statements"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/statements/<int:statement_id>/unhide", methods=["POST"])
@requires(Action.MODERATE)
def unhide_statement(meeting_id, item_id, statement_id):
    item = _item_or_404(_meeting_or_404(meeting_id), item_id)
    statement = _statement_or_404(item, statement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.unhide_statement(current_user, statement)
    except MeetingError as error:
        return _refuse(error, _item_url(item, "statements"))
    flash(_("The statement is shown again."), "success")
    return redirect(_item_url(item, "statements"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/decision", methods=["GET", "POST"])
@requires(Action.MANAGE_MEETINGS)
def record_decision(meeting_id, item_id):
    """Record the item's decision and outcome, and the roll call if one was taken."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    try:
        rules.check_recording_open(meeting.status)
    except MeetingError as error:
        return _refuse(error, _item_url(item))
    present = [a.member for a in meeting.attendance if a.present]
    form = DecisionForm(obj=item)
    votes: dict[int, str] = {v.member_id: v.choice for v in item.votes}
    if form.validate_on_submit():
        votes = {}
        for member in present:
            choice = request.form.get(f"vote-{member.id}", "")
            if choice:
                if choice not in set(VoteChoice):
                    abort(400)
                votes[member.id] = choice
        try:
            services.record_decision(current_user, item, outcome=form.outcome.data, text=form.decision_text.data,
                                     votes=votes, now=utcnow())
        except MeetingError as error:
            form.outcome.errors = [*form.outcome.errors, error_message(error)]
        else:
            flash(_("The decision on § %(number)d was recorded.", number=item.number), "success")
            return redirect(_item_url(item, "decision"))
    return render_template("meetings/decision_form.html", form=form, meeting=meeting, item=item, present=present,
                           votes=votes, **LABELS), 422 if form.errors else 200


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/proposals/<int:proposal_id>/apply", methods=["POST"])
@requires(Action.MANAGE_MEETINGS)
def apply_decision(meeting_id, item_id, proposal_id):
    """Move a linked proposal as the decision says and publish the decision as its official answer."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    require(Action.CHANGE_PROPOSAL_STATE, proposal)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = _item_url(item, "decision")
    try:
        changes = services.apply_decision(current_user, item, proposal, utcnow())
    except MeetingError as error:
        return _refuse(error, back)
    except ProposalError:
        return _refuse(MeetingError("proposal_cannot_move"), back)
    notifications.state_changed(proposal, changes[-1], current_user.id)
    flash(_("“%(title)s” is now %(state)s, with the decision as its official answer.", title=proposal.title,
            state=str(STATE_LABELS[proposal.state]).lower()), "success")
    return redirect(back)

