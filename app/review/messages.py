"""The review's translated labels: deadline statuses and the response-time buckets."""
from flask_babel import lazy_gettext as _l

from app.review.deadlines import DeadlineStatus

STATUS_LABELS = {
    DeadlineStatus.ON_TIME: _l("On time"),
    DeadlineStatus.DUE_SOON: _l("Answer due soon"),
    DeadlineStatus.OVERDUE: _l("Answer overdue"),
    DeadlineStatus.ESCALATION_DUE: _l("Overdue: to the municipal board"),
    DeadlineStatus.ANSWERED: _l("Answered"),
}


def bucket_label(first: int, last: int | None) -> str:
    """"0–7 days", "over 90 days"."""
    if last is None:
        return str(_l("over %(days)d days", days=first - 1))
    return str(_l("%(first)d–%(last)d days", first=first, last=last))
