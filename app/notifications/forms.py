"""The notification settings form and the small forms of the notification pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from app.notifications.messages import FREQUENCY_LABELS, KIND_LABELS
from app.notifications.rules import KINDS, Channels


class PreferencesForm(FlaskForm):
    """Per kind: in the app and by email; how often emails come; all emails off."""

    frequency = RadioField(_l("How often should we email you?"), choices=list(FREQUENCY_LABELS.items()),
                           validators=[InputRequired(_l("Choose how often we email you."))])
    all_email_off = BooleanField(_l("No emails at all (notifications stay on this site)"))

    def rows(self):
        """(kind, label, in-app field, email field) for each kind, in order."""
        return [(kind, KIND_LABELS[kind], self[f"in_app_{kind}"], self[f"email_{kind}"]) for kind in KINDS]

    def channels(self) -> dict[str, Channels]:
        return {kind.value: Channels(in_app=bool(self[f"in_app_{kind}"].data), email=bool(self[f"email_{kind}"].data))
                for kind in KINDS}

    def fill(self, channels: dict[str, Channels], frequency: str, all_email_off: bool) -> None:
        """Show the stored choices (on a GET)."""
        for kind in KINDS:
            self[f"in_app_{kind}"].data = channels[kind.value].in_app
            self[f"email_{kind}"].data = channels[kind.value].email
        self.frequency.data = frequency
        self.all_email_off.data = all_email_off


for _kind in KINDS:
    setattr(PreferencesForm, f"in_app_{_kind}", BooleanField(_l("On this site")))
    setattr(PreferencesForm, f"email_{_kind}", BooleanField(_l("By email")))


class MarkReadForm(FlaskForm):
    """Mark one or all notifications read (the CSRF token is all it carries)."""


class UnsubscribeForm(FlaskForm):
    """Confirm turning emails off from a link in an email (the signed token in the URL is the authority)."""

    class Meta:
        csrf = False  # the one-click List-Unsubscribe POST of mail programs carries no CSRF token
