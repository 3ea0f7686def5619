"""Directory forms: filters, representation requests, village and association editing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Email, InputRequired, Length, Optional, URL, ValidationError

from app.directory.models import AssociationKind, RepresentationRole
from app.forms import NoControlCharacters, stripped
from app.timeutil import today

KIND_LABELS = {
    AssociationKind.VILLAGE: _l("Village association"),
    AssociationKind.SPORTS: _l("Sports club"),
    AssociationKind.CULTURE: _l("Culture"),
    AssociationKind.YOUTH: _l("Youth"),
    AssociationKind.OTHER: _l("Other"),
}

ROLE_LABELS = {
    RepresentationRole.REPRESENTATIVE: _l("Representative"),
    RepresentationRole.DEPUTY: _l("Deputy"),
}

USER_ROLE_LABELS = {
    "resident": _l("resident"),
    "representative": _l("representative"),
    "board_member": _l("board member"),
    "coordinator": _l("coordinator"),
}

STATUS_LABELS = {
    "pending": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "revoked": _l("Revoked"),
}


class AssociationFilterForm(FlaskForm):
    """GET filter of the association list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name contains"), filters=[stripped], validators=[Optional(), Length(max=100)])
    village = SelectField(_l("Village"), coerce=str, validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])

    def __init__(self, villages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village.choices = [("", _l("All villages"))] + [(str(v.id), v.name) for v in villages]
        self.kind.choices = [("", _l("All kinds"))] + [(k.value, label) for k, label in KIND_LABELS.items()]


class RepresentationRequestForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(k.value, v) for k, v in ROLE_LABELS.items()])
    starts_on = DateField(_l("Mandate starts"), validators=[InputRequired(_l("Give the start date."))],
                          default=today)
    ends_on = DateField(_l("Mandate ends (optional)"), validators=[Optional()],
                        description=_l("Leave empty if the mandate continues until further notice."))
    note = TextAreaField(_l("Message to the coordinator (optional)"), filters=[stripped],
                         validators=[Optional(), Length(max=1000), NoControlCharacters(multiline=True)],
                         description=_l("For example, the meeting where the association named you."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), filters=[stripped],
                           validators=[Optional(), Length(max=1000), NoControlCharacters(multiline=True)],
                           description=_l("Required when rejecting or revoking; sent to the person."))


class VillageForm(FlaskForm):
    name = StringField(_l("Name"), filters=[stripped], validators=[
        InputRequired(_l("Give the village a name.")), Length(max=80), NoControlCharacters()])
    description = TextAreaField(_l("Description"), filters=[stripped],
                                validators=[Optional(), Length(max=5000), NoControlCharacters(multiline=True)],
                                description=_l("Markdown: **bold**, lists, links."))


class AssociationForm(FlaskForm):
    name = StringField(_l("Name"), filters=[stripped], validators=[
        InputRequired(_l("Give the association a name.")), Length(max=120), NoControlCharacters()])
    kind = SelectField(_l("Kind"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    village_id = SelectField(_l("Village"), coerce=int)
    description = TextAreaField(_l("Description"), filters=[stripped],
                                validators=[Optional(), Length(max=5000), NoControlCharacters(multiline=True)],
                                description=_l("Markdown: **bold**, lists, links."))
    contact_email = EmailField(_l("Contact email"), filters=[stripped], validators=[
        Optional(), Length(max=254), Email(_l("Enter an email address in the form name@example.fi."),
                                           check_deliverability=False)])
    contact_phone = StringField(_l("Contact phone"), filters=[stripped],
                                validators=[Optional(), Length(max=40), NoControlCharacters()])
    website = URLField(_l("Website"), filters=[stripped], validators=[
        Optional(), Length(max=200), URL(message=_l("Enter a full address starting with https://."))])
    is_active = BooleanField(_l("Active"), default=True)

    def __init__(self, villages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_id.choices = [(0, _l("Whole municipality"))] + [(v.id, v.name) for v in villages]
