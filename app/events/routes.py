"""Event pages: the calendar (list and month), iCalendar feeds, an event, the organiser's draft → preview with
clashes → publish flow, co-organiser invitations, volunteer tasks and sign-ups, cancelling and hiding."""
from datetime import date, timedelta

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.permissions import Action, can, require
from app.directory.models import Association, Village
from app.events import bp, images, rules, services
from app.events.forms import EventForm, ImageForm, TaskForm, VolunteerEmailForm
from app.events.messages import LABELS, error_message
from app.events.models import Event, VolunteerTask
from app.events.rules import CoOrganiserStatus, EventCategory, EventError, EventStatus
from app.extensions import db
from app.forms import ConfirmForm, as_id
from app.ical import FeedEntry, calendar_response, feed_host
from app.timeutil import today, utcnow

# --- the one place permissions are checked ------------------------------------------------------


def _event(event_id: int, action: Action | None = None) -> Event:
    """The event, or 404; with `action`, 401/403 unless the current user may do it.

    A draft's page is seen only by those who manage it, the invited associations and coordinators; to everyone
    else it does not exist.
    """
    event = services.get_event(event_id)
    if event is None:
        abort(404)
    if action is not None:
        require(action, event)
    if event.status == EventStatus.DRAFT and not _sees_draft(event):
        abort(404)
    return event


def _sees_draft(event: Event) -> bool:
    """Its managers, the representatives of invited associations (to confirm before it is published), and
    coordinators."""
    return (can(Action.MANAGE_EVENT, event) or can(Action.MODERATE_EVENTS)
            or any(c.status == CoOrganiserStatus.PENDING and can(Action.ANSWER_CO_ORGANISATION, c)
                   for c in event.co_organisers))


def _task(event: Event, task_id: int) -> VolunteerTask:
    task = next((t for t in event.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    return task


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _refuse(error: EventError, url: str):
    flash(error_message(error), "error")
    return redirect(url)


def _detail_url(event: Event, anchor: str | None = None) -> str:
    return url_for("events.detail", event_id=event.id, _anchor=anchor)


# --- the calendar --------------------------------------------------------------------------------

def _filters() -> services.Filters:
    category = request.args.get("category") or None
    return services.Filters(village_id=as_id(request.args.get("village")),
                            association_id=as_id(request.args.get("association")),
                            category=category if category in set(EventCategory) else None)


def _filter_context(filters: services.Filters) -> dict:
    return {"filters": filters, "villages": services.all_villages(), "associations": services.active_associations(),
            "can_publish": can(Action.PUBLISH_EVENT), **LABELS}


@bp.route("/events")
def index():
    """Coming events, soonest first, paginated; filter by village, association, category."""
    filters = _filters()
    page = db.paginate(services.upcoming_query(filters, utcnow()), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    on = today()
    mine = {}
    if current_user.is_authenticated:
        mine = {"drafts": services.drafts_of(current_user, on),
                "invitations": services.pending_invitations(current_user, on)}
    return render_template("events/list.html", page=page, mine=mine, **_filter_context(filters))


def _month_arg() -> tuple[int, int]:
    raw = request.args.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        if 1900 < year < 3000 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    now = today()
    return now.year, now.month


@bp.route("/events/month")
def month():
    """The calendar as a month grid (a table, Monday first), with links to the neighbouring months."""
    filters = _filters()
    year, month_number = _month_arg()
    start, end = rules.month_bounds(year, month_number)
    events = services.events_between(start, end, filters)
    by_day: dict[date, list[Event]] = {}
    for event in events:
        for day in rules.days_of(event.starts_at, event.ends_at):
            by_day.setdefault(day, []).append(event)
    args = {k: v for k, v in request.args.items() if k in ("village", "association", "category") and v}
    previous, following = rules.shift_month(year, month_number, -1), rules.shift_month(year, month_number, 1)
    from babel.dates import get_day_names
    from flask_babel import format_date, get_locale

    locale = get_locale()
    weekdays = [(get_day_names("abbreviated", locale=locale)[n], get_day_names("wide", locale=locale)[n])
                for n in range(7)]
    return render_template(
        "events/month.html", month_name=format_date(date(year, month_number, 1), "LLLL yyyy"), weekdays=weekdays,
        weeks=rules.month_weeks(year, month_number), by_day=by_day, events=events,
        first_day=date(year, month_number, 1), today=today(),
        previous_url=url_for("events.month", month=f"{previous[0]}-{previous[1]:02d}", **args),
        next_url=url_for("events.month", month=f"{following[0]}-{following[1]:02d}", **args),
        list_url=url_for("events.index", **args), **_filter_context(filters))


# --- feeds ---------------------------------------------------------------------------------------

def _feed_entry(event: Event, host: str) -> FeedEntry:
    starts, ends = event.starts_at, event.ends_at
    if event.all_day:
        starts, ends = rules.utc_to_local(starts).date(), rules.utc_to_local(ends).date()
    organisers = ", ".join([event.organiser.name] + [c.association.name for c in event.confirmed_co_organisers])
    location = ", ".join(part for part in (event.place, event.village.name if event.village else "") if part)
    return FeedEntry(
        uid=f"event-{event.id}@{host}", stamp=event.updated_at, starts=starts, ends=ends, summary=event.title,
        location=location, url=url_for("events.detail", event_id=event.id, _external=True),
        description=_("Organised by %(organisers)s", organisers=organisers),
        status="CANCELLED" if event.is_cancelled else "CONFIRMED")


def _feed(filters: services.Filters, name: str, filename: str):
    host = feed_host()
    return calendar_response(name, [_feed_entry(event, host) for event in services.feed_events(filters)], filename)


@bp.route("/events.ics")
def feed():
    """Every event as an iCalendar feed (?village=, ?association=, ?category= narrow it)."""
    return _feed(_filters(), _("Kyläraati: events"), "events.ics")


@bp.route("/villages/<int:village_id>/events.ics")
def village_feed(village_id):
    """The events of one village as an iCalendar feed."""
    village = db.get_or_404(Village, village_id)
    return _feed(services.Filters(village_id=village.id), _("Kyläraati: events in %(village)s", village=village.name),
                 "events.ics")


@bp.route("/associations/<int:association_id>/events.ics")
def association_feed(association_id):
    """The events an association organises or co-organises, as an iCalendar feed."""
    association = db.get_or_404(Association, association_id)
    return _feed(services.Filters(association_id=association.id),
                 _("Kyläraati: events of %(association)s", association=association.name), "events.ics")


@bp.route("/events/<int:event_id>.ics")
def event_ics(event_id):
    """One published event as an iCalendar file, to add it to one's own calendar (same UID as in the feeds)."""
    event = _event(event_id)
    if event.status == EventStatus.DRAFT or event.hidden_at is not None:
        abort(404)
    return calendar_response(_("Kyläraati: %(event)s", event=event.title), [_feed_entry(event, feed_host())],
                             f"event-{event.id}.ics")


# --- an event ------------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>")
def detail(event_id):
    """An event: when, where, who organises it, its volunteer tasks; cancelled or hidden ones say so."""
    event = _event(event_id)
    manages = can(Action.MANAGE_EVENT, event)
    signed_up = set()
    if current_user.is_authenticated:
        signed_up = {t.id for t in event.tasks if any(s.user_id == current_user.id for s in t.active_signups)}
    answerable = [c for c in event.co_organisers
                  if c.status == CoOrganiserStatus.PENDING and can(Action.ANSWER_CO_ORGANISATION, c)]
    return render_template(
        "events/detail.html", event=event, manages=manages, can_cancel=can(Action.CANCEL_EVENT, event),
        can_moderate=can(Action.MODERATE_EVENTS), signed_up=signed_up, answerable=answerable,
        show_content=event.hidden_at is None or manages or can(Action.MODERATE_EVENTS),
        over=event.ends_at <= utcnow(), picture=services.current_image(event), form=ConfirmForm(), **LABELS)


def _event_form(event: Event | None = None, **kwargs) -> EventForm:
    on = today()
    organisers = [r.association for r in current_user.current_representations(on)]
    if event is not None and all(a.id != event.organiser_id for a in organisers):
        organisers.append(event.organiser)  # a confirmed co-organiser edits: the organiser stays
    form = EventForm(organisers, services.all_villages(), services.active_associations(), obj=event, **kwargs)
    if event is not None and request.method == "GET":
        day, start, end_day, end = rules.local_fields(rules.Span(event.starts_at, event.ends_at, event.all_day))
        form.start_day.data, form.start_time.data, form.end_time.data = day, start, end
        form.end_day.data = end_day if end_day != day else None
        form.village_id.data = event.village_id or 0
        form.price.data = f"{event.price:.2f}".replace(".", ",") if event.price is not None else ""
        form.co_organiser_ids.data = [c.association_id for c in event.co_organisers if c.status != CoOrganiserStatus.DECLINED]
    elif event is None and request.method == "GET":
        chosen = next((a for a in organisers if a.village_id), None)
        form.village_id.data = chosen.village_id if chosen else 0
    if event is not None:
        form.organiser_id.render_kw = {"disabled": True}
    return form


def _save(event: Event | None):
    form = _event_form(event)
    if event is not None:
        form.organiser_id.data = event.organiser_id  # the organiser of an event does not change
    if form.validate_on_submit():
        organiser = db.session.get(Association, form.organiser_id.data)
        require(Action.PUBLISH_EVENT if event is None else Action.MANAGE_EVENT, organiser if event is None else event)
        try:
            span = rules.event_span(form.start_day.data, form.start_time.data, form.end_day.data,
                                    form.end_time.data, form.all_day.data)
            draft = services.EventDraft(
                organiser_id=organiser.id, title=form.title.data, span=span, category=form.category.data,
                village_id=form.village_id.data or None, place=form.place.data or "",
                description=form.description.data or "", price=form.price_value(),
                accessibility=form.accessibility.data or "", co_organiser_ids=list(form.co_organiser_ids.data or []))
            saved = services.save_event(current_user, event, draft, utcnow())
        except EventError as error:
            field = {"ends_before_start": form.end_time, "start_time_required": form.start_time,
                     "end_time_required": form.end_time, "in_the_past": form.start_day,
                     "title_required": form.title, "place_required": form.place, "bad_price": form.price,
                     "unknown_village": form.village_id, "unknown_category": form.category,
                     "unknown_association": form.co_organiser_ids,
                     "organiser_as_co_organiser": form.co_organiser_ids}.get(error.code, form.title)
            field.errors = [*field.errors, error_message(error)]
        else:
            if saved.status == EventStatus.DRAFT:
                flash(_("The draft was saved. Check the clashes below, then publish."), "success")
                return redirect(url_for("events.preview", event_id=saved.id))
            flash(_("The event was saved."), "success")
            return redirect(_detail_url(saved))
    return render_template("events/form.html", form=form, event=event), 422 if form.errors else 200


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    """A representative writes an event for their association; it is saved as a draft."""
    require(Action.PUBLISH_EVENT)
    return _save(None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id):
    event = _event(event_id, Action.MANAGE_EVENT)
    if event.is_cancelled:
        return _refuse(EventError("cancelled"), _detail_url(event))
    return _save(event)


@bp.route("/events/<int:event_id>/preview")
def preview(event_id):
    """The draft as it will look, with the events and meetings it clashes with, and the publish button."""
    event = _event(event_id, Action.MANAGE_EVENT)
    return render_template("events/preview.html", event=event, clashes=services.clashes_for(event),
                           form=ConfirmForm(), **LABELS)


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
def publish(event_id):
    event = _event(event_id, Action.MANAGE_EVENT)
    _confirmed()
    try:
        services.publish(current_user, event, utcnow())
    except EventError as error:
        return _refuse(error, url_for("events.preview", event_id=event.id))
    flash(_("The event was published in the calendar."), "success")
    return redirect(_detail_url(event))


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
def cancel(event_id):
    """Cancel the event: it stays in the calendar and the feeds, marked cancelled."""
    event = _event(event_id, Action.CANCEL_EVENT)
    _confirmed()
    try:
        services.cancel(current_user, event, request.form.get("reason", ""), utcnow())
    except EventError as error:
        return _refuse(error, _detail_url(event))
    flash(_("The event was cancelled. It stays in the calendar, marked cancelled."), "success")
    return redirect(_detail_url(event))


@bp.route("/events/<int:event_id>/hide", methods=["POST"])
def hide(event_id):
    """A coordinator takes an event out of the calendar with a reason (audited)."""
    event = _event(event_id, Action.MODERATE_EVENTS)
    _confirmed()
    try:
        services.hide(current_user, event, request.form.get("reason", ""), utcnow())
    except EventError as error:
        return _refuse(error, _detail_url(event))
    flash(_("The event was hidden from the calendar."), "success")
    return redirect(_detail_url(event))


@bp.route("/events/<int:event_id>/unhide", methods=["POST"])
def unhide(event_id):
    event = _event(event_id, Action.MODERATE_EVENTS)
    _confirmed()
    try:
        services.unhide(current_user, event)
    except EventError as error:
        return _refuse(error, _detail_url(event))
    flash(_("The event is shown in the calendar again."), "success")
    return redirect(_detail_url(event))


@bp.route("/events/<int:event_id>/invitations/<int:invitation_id>/<any(confirm, decline):answer>",
          methods=["POST"])
def answer_invitation(event_id, invitation_id, answer):
    """A representative of the invited association confirms (or declines) co-organising."""
    event = _event(event_id)
    invitation = next((c for c in event.co_organisers if c.id == invitation_id), None)
    if invitation is None:
        abort(404)
    _confirmed()
    if not can(Action.ANSWER_CO_ORGANISATION, invitation):
        if not current_user.is_authenticated:
            require(Action.ANSWER_CO_ORGANISATION, invitation)  # the sign-in page
        return render_template("error.html", code=403, message=_(
            "Only a representative of %(association)s can answer this invitation.",
            association=invitation.association.name)), 403
    try:
        services.answer_invitation(current_user, invitation, answer == "confirm", utcnow())
    except EventError as error:
        return _refuse(error, _detail_url(event))
    flash(_("%(association)s is now a co-organiser of the event.", association=invitation.association.name)
          if answer == "confirm" else _("The invitation was declined."), "success")
    return redirect(_detail_url(event))


# --- volunteer tasks ------------------------------------------------------------------------------

def _task_draft(form: TaskForm, event: Event) -> services.TaskDraft:
    day = form.day.data or rules.utc_to_local(event.starts_at).date()
    starts = rules.local_to_utc(day, form.starts.data) if form.starts.data else None
    ends = rules.local_to_utc(day, form.ends.data) if form.ends.data else None
    if starts and ends and ends <= starts:
        ends = rules.local_to_utc(day + timedelta(days=1), form.ends.data)  # a task over midnight
    return services.TaskDraft(title=form.title.data, capacity=form.capacity.data,
                              description=form.description.data or "", starts_at=starts, ends_at=ends)


@bp.route("/events/<int:event_id>/tasks/new", methods=["GET", "POST"])
@bp.route("/events/<int:event_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def edit_task(event_id, task_id=None):
    """Add a volunteer task to the event, or change one (its volunteers are told)."""
    event = _event(event_id, Action.MANAGE_EVENT)
    task = _task(event, task_id) if task_id else None
    form = TaskForm(obj=task)
    if task is not None and request.method == "GET":
        if task.starts_at:
            form.day.data, form.starts.data = rules.utc_to_local(task.starts_at).date(), \
                rules.utc_to_local(task.starts_at).time().replace(tzinfo=None)
        if task.ends_at:
            form.ends.data = rules.utc_to_local(task.ends_at).time().replace(tzinfo=None)
    if form.validate_on_submit():
        try:
            services.save_task(current_user, event, task, _task_draft(form, event), utcnow())
        except EventError as error:
            field = {"bad_capacity": form.capacity, "capacity_below_signups": form.capacity,
                     "ends_before_start": form.ends}.get(error.code, form.title)
            field.errors = [*field.errors, error_message(error)]
        else:
            flash(_("The volunteer task was saved."), "success")
            return redirect(_detail_url(event, "tasks"))
    return render_template("events/task_form.html", form=form, event=event, task=task), 422 if form.errors else 200


@bp.route("/events/<int:event_id>/tasks/<int:task_id>/signup", methods=["POST"])
def sign_up(event_id, task_id):
    """Sign up for a volunteer task."""
    event = _event(event_id, Action.VOLUNTEER)
    task = _task(event, task_id)
    _confirmed()
    try:
        services.sign_up(current_user, task.id, utcnow())
    except EventError as error:
        return _refuse(error, _detail_url(event, "tasks"))
    flash(_("You signed up for “%(task)s”. Thank you!", task=task.title), "success")
    return redirect(_detail_url(event, "tasks"))


@bp.route("/events/<int:event_id>/tasks/<int:task_id>/cancel-signup", methods=["POST"])
def cancel_signup(event_id, task_id):
    """Take back one's sign-up for a task."""
    event = _event(event_id, Action.VOLUNTEER)
    task = _task(event, task_id)
    _confirmed()
    try:
        services.cancel_signup(current_user, task, utcnow())
    except EventError as error:
        return _refuse(error, _detail_url(event, "tasks"))
    flash(_("Your sign-up for “%(task)s” was cancelled.", task=task.title), "success")
    return redirect(_detail_url(event, "tasks"))


@bp.route("/events/<int:event_id>/volunteers", methods=["GET", "POST"])
def volunteers(event_id):
    """The organisers see who signed up for each task and can email them all."""
    event = _event(event_id, Action.MANAGE_EVENT)
    form = VolunteerEmailForm()
    if form.validate_on_submit():
        try:
            count = services.email_volunteers(current_user, event, form.subject.data, form.message.data,
                                              url_for("events.detail", event_id=event.id, _external=True))
        except EventError as error:
            form.message.errors = [*form.message.errors, error_message(error)]
        else:
            flash(_("The message was sent to %(count)d volunteers.", count=count), "success")
            return redirect(url_for("events.volunteers", event_id=event.id))
    return render_template("events/volunteers.html", event=event, form=form,
                           people=services.volunteers_of(event), **LABELS), 422 if form.errors else 200


# --- the picture ---------------------------------------------------------------------------------

@bp.record_once
def _allow_picture_uploads(state) -> None:
    """Let the picture upload take a phone photo, while every other request keeps the app's 2 MB limit.

    The limit must be raised before anything reads the body, and CSRF protection reads the form in the app's
    first before-request function, so this one goes in front of it.
    """
    def raise_limit():
        if request.endpoint == "events.image":
            request.max_content_length = images.MAX_BYTES + 64 * 1024  # the file and the form around it

    state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


@bp.route("/events/<int:event_id>/image", methods=["GET", "POST"])
def image(event_id):
    """Add or replace the event's picture (checked, re-encoded, with a required description), or remove it."""
    event = _event(event_id, Action.MANAGE_EVENT)
    form = ImageForm()
    current = services.current_image(event)
    if request.method == "POST" and request.form.get("remove"):
        _confirmed()
        try:
            services.remove_image(current_user, event, utcnow())
        except EventError as error:
            return _refuse(error, url_for("events.image", event_id=event.id))
        flash(_("The picture was removed from the event."), "success")
        return redirect(_detail_url(event))
    if form.validate_on_submit():
        upload = form.image.data
        try:
            raw = upload.read(images.MAX_BYTES + 1) if upload else b""
            services.set_image(current_user, event, raw, form.alt_text.data, utcnow())
        except EventError as error:
            field = form.alt_text if error.code in ("alt_required", "too_long") else form.image
            field.errors = [*field.errors, error_message(error)]
        else:
            flash(_("The picture was saved."), "success")
            return redirect(_detail_url(event))
    return render_template("events/image_form.html", form=form, event=event, current=current), \
        422 if form.errors else 200


@bp.route("/events/<int:event_id>/images/<int:image_id>.jpg")
def image_file(event_id, image_id):
    """The picture's bytes; its address changes with every new picture, so browsers may keep it."""
    event = _event(event_id)
    if event.hidden_at is not None and not (can(Action.MANAGE_EVENT, event) or can(Action.MODERATE_EVENTS)):
        abort(404)
    picture = services.image_with_data(event, image_id)
    if picture is None:
        abort(404)
    response = Response(picture.data, mimetype=picture.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_template_global()
def event_time_range(event: Event) -> str:
    """When an event is, in Helsinki time: "12.6.2027 klo 10.00–14.00", a day, or a range of days."""
    from app.i18n import format_day, format_moment, format_time_of_day

    if event.all_day:
        first = rules.utc_to_local(event.starts_at).date()
        last = (rules.utc_to_local(event.ends_at) - timedelta(days=1)).date()
        return format_day(first) if first == last else f"{format_day(first)} – {format_day(last)}"
    if rules.utc_to_local(event.starts_at).date() == rules.utc_to_local(event.ends_at).date():
        return f"{format_moment(event.starts_at)}–{format_time_of_day(event.ends_at)}"
    return f"{format_moment(event.starts_at)} – {format_moment(event.ends_at)}"

