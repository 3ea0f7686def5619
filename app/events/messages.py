"""Translated labels and refusal messages shared by the event pages."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.events.rules import CoOrganiserStatus, EventCategory, EventError, EventStatus

CATEGORY_LABELS = {
    EventCategory.VILLAGE_PARTY: _l("Village party"),
    EventCategory.SPORTS: _l("Sports"),
    EventCategory.CULTURE: _l("Culture"),
    EventCategory.MARKET: _l("Market"),
    EventCategory.TALKOOT: _l("Talkoot (volunteer work day)"),
    EventCategory.MEETING: _l("Meeting"),
}

STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft, not published"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}

CO_ORGANISER_LABELS = {
    CoOrganiserStatus.PENDING: _l("Invitation pending"),
    CoOrganiserStatus.CONFIRMED: _l("Confirmed"),
    CoOrganiserStatus.DECLINED: _l("Declined"),
}

CLASH_REASONS = {
    "same_village": _l("in the same village"),
    "same_category": _l("of the same kind"),
}

LABELS = {"category_labels": CATEGORY_LABELS, "event_status_labels": STATUS_LABELS,
          "co_organiser_labels": CO_ORGANISER_LABELS, "clash_reasons": CLASH_REASONS}

ERRORS = {
    "ends_before_start": lambda d: _("The end must be after the start."),
    "start_time_required": lambda d: _("Give the starting time, or mark the event as lasting all day."),
    "end_time_required": lambda d: _("Give the ending time, or mark the event as lasting all day."),
    "in_the_past": lambda d: _("The event would already be over. Check the date and time."),
    "too_long": lambda d: _("The text is too long: at most %(max)d characters.", max=d["max"]),
    "title_required": lambda d: _("Give a title."),
    "place_required": lambda d: _("Give the place."),
    "unknown_category": lambda d: _("Choose a category from the list."),
    "bad_price": lambda d: _("Give the price in euros, for example 5 or 7,50, or mark the event free."),
    "unknown_village": lambda d: _("Choose a village from the list."),
    "unknown_association": lambda d: _("Choose associations from the list."),
    "organiser_as_co_organiser": lambda d: _("The organiser cannot also be its own co-organiser."),
    "cancelled": lambda d: _("The event has been cancelled and can no longer be changed."),
    "conflict": lambda d: _("Someone else saved the event at the same time. Open it again and check."),
    "not_a_draft": lambda d: _("The event has already been published."),
    "already_cancelled": lambda d: _("The event is already cancelled."),
    "already_hidden": lambda d: _("The event is already hidden."),
    "not_hidden": lambda d: _("The event is not hidden."),
    "reason_required": lambda d: _("Give the reason."),
    "already_answered": lambda d: _("The invitation has already been answered."),
    "bad_capacity": lambda d: _("Give the number of people needed, from 1 to %(max)d.", max=d["max"]),
    "capacity_below_signups": lambda d: _("%(count)d people have already signed up: the task needs at least "
                                          "that many places.", count=d["count"]),
    "unknown_task": lambda d: _("No such volunteer task."),
    "signups_closed": lambda d: _("Sign-ups are open only for published events."),
    "event_over": lambda d: _("The event is over, so sign-ups are closed."),
    "already_signed_up": lambda d: _("You have already signed up for this task."),
    "task_full": lambda d: _("The task is full: every place has been taken."),
    "not_signed_up": lambda d: _("You have not signed up for this task."),
    "subject_required": lambda d: _("Give the subject."),
    "message_required": lambda d: _("Write the message."),
    "no_volunteers": lambda d: _("Nobody has signed up yet, so there is nobody to email."),
    "image_required": lambda d: _("Choose a picture file."),
    "image_too_large": lambda d: _("The picture file is too large: at most %(max_mb)d MB.", max_mb=d["max_mb"]),
    "image_too_many_pixels": lambda d: _("The picture is too large in pixels. Make it smaller and try again."),
    "not_an_image": lambda d: _("The file is not a picture we can use. Send a JPEG, PNG, WebP or GIF picture."),
    "alt_required": lambda d: _("Describe the picture for people who cannot see it."),
    "no_image": lambda d: _("The event has no picture."),
}


def error_message(error: EventError) -> str:
    """The translated message for a refusal code (a generic one for codes without their own text)."""
    text = ERRORS.get(error.code)
    return text(error.detail) if text else _("That cannot be done.")
