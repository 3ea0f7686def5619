"""Meeting forms: bodies and members, a meeting, an agenda item, a statement, a decision, an amendment."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from app.forms import NoControlCharacters, stripped
from app.meetings.messages import BODY_KIND_LABELS, MEMBER_ROLE_LABELS, OUTCOME_LABELS, QUORUM_RULE_LABELS
from app.meetings.services import MAX_ITEM_NUMBER, MAX_NAME, MAX_PLACE, MAX_TEXT, MAX_TITLE, MAX_URL

NOT_A_DATE = _l("Write a date, for example 12.3.2027, or pick one.")
NOT_A_TIME = _l("Write a time, for example 18.00, or pick one.")
MARKDOWN_HINT = _l("Markdown works: **bold**, lists with -, links.")


class LocalDateField(DateField):
    """A date as the browser's date picker sends it (2027-03-12) or as people type it (12.3.2027)."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NOT_A_DATE) from None


class LocalTimeField(TimeField):
    """A clock time: 18:00 from the time picker, or 18.00 typed."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=["%H:%M", "%H.%M"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(NOT_A_TIME) from None


def _text(label, maximum, required=None, multiline=False, **kwargs):
    validators = [InputRequired(required)] if required else [Optional()]
    validators += [Length(max=maximum, message=_l("At most %(max)d characters.")),
                   NoControlCharacters(multiline=multiline)]
    field = TextAreaField if multiline else StringField
    return field(label, filters=[stripped], validators=validators, **kwargs)


class BodyForm(FlaskForm):
    name = _text(_l("Name"), MAX_NAME, _l("Give the body's name."),
                 description=_l("For example “Kyläasiain neuvottelukunta”."))
    kind = SelectField(_l("Kind"), choices=list(BODY_KIND_LABELS.items()))
    quorum_rule = SelectField(_l("Quorum"), choices=list(QUORUM_RULE_LABELS.items()),
                              description=_l("How many seats must be filled for the meeting to decide. A deputy "
                                             "fills the seat of an absent member."))
    description = _text(_l("Description (optional)"), MAX_TEXT, multiline=True, render_kw={"rows": 4})
    is_active = BooleanField(_l("Active"), default=True)


class MemberForm(FlaskForm):
    name = _text(_l("Name"), MAX_NAME, _l("Give the person's name."),
                 description=_l("As the minutes print it."))
    role = SelectField(_l("Role"), choices=list(MEMBER_ROLE_LABELS.items()), default="member")
    association_id = SelectField(_l("Seat of association"), coerce=int, default=0,
                                 description=_l("On the advisory board, each village association has one seat."))
    deputy_for_id = SelectField(_l("Personal deputy of"), coerce=int, default=0,
                                description=_l("Only for deputy members."))
    email = StringField(_l("Email of the person's account (optional)"), filters=[stripped], validators=[
        Optional(), Email(_l("Write an email address, for example name@example.fi.")), Length(max=254)],
        description=_l("Links the seat to the person's account on Kyläraati."))
    starts_on = LocalDateField(_l("Member from"), validators=[InputRequired(NOT_A_DATE)],
                          render_kw={"autocomplete": "off"})

    def __init__(self, associations, seats, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.association_id.choices = [(0, _l("No association"))] + [(a.id, a.name) for a in associations]
        self.deputy_for_id.choices = [(0, _l("Nobody in particular"))] + [(m.id, m.name) for m in seats]


class EndMemberForm(FlaskForm):
    ends_on = LocalDateField(_l("Member until"), validators=[InputRequired(NOT_A_DATE)])


class MeetingForm(FlaskForm):
    body_id = SelectField(_l("Body"), coerce=int)
    title = _text(_l("Title (optional)"), MAX_TITLE, description=_l("For example “Meeting 2/2027”."))
    day = LocalDateField(_l("Date"), validators=[InputRequired(NOT_A_DATE)])
    starts = LocalTimeField(_l("Starts at"), validators=[InputRequired(NOT_A_TIME)])
    ends = LocalTimeField(_l("Ends at (optional)"), validators=[Optional()])
    place = _text(_l("Place"), MAX_PLACE, description=_l("Leave empty for a meeting held only online."))
    video_url = _text(_l("Video meeting link (optional)"), MAX_URL, description=_l("An https:// address."))
    other_attendees = _text(_l("Others present (optional)"), MAX_TEXT, multiline=True, render_kw={"rows": 3},
                            description=_l("Officials and experts, one per line."))
    chair_name = _text(_l("Chair of the meeting"), MAX_NAME)
    secretary_name = _text(_l("Secretary"), MAX_NAME)
    minutes_checkers = _text(_l("Minutes checkers"), 300)

    def __init__(self, bodies, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body_id.choices = [(b.id, b.name) for b in bodies]


class ItemForm(FlaskForm):
    number = IntegerField("§", validators=[InputRequired(_l("Give the item's number, a whole number.")),
                                           NumberRange(min=1, max=MAX_ITEM_NUMBER,
                                                       message=_l("Give a number from 1 to %(max)d."))],
                          render_kw={"inputmode": "numeric"})
    title = _text(_l("Title"), MAX_TITLE, _l("Give a title."))
    presentation = _text(_l("Presentation"), MAX_TEXT, multiline=True, render_kw={"rows": 8},
                         description=MARKDOWN_HINT)


class StatementForm(FlaskForm):
    association_id = SelectField(_l("In the name of"), coerce=int)
    body = _text(_l("Statement"), MAX_TEXT, _l("Write the statement."), multiline=True, render_kw={"rows": 8},
                 description=MARKDOWN_HINT)

    def __init__(self, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.association_id.choices = [(a.id, a.name) for a in associations]


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=list(OUTCOME_LABELS.items()))
    decision_text = _text(_l("Decision"), MAX_TEXT, _l("Write the decision."), multiline=True,
                          render_kw={"rows": 6}, description=MARKDOWN_HINT)


class AmendmentForm(FlaskForm):
    item_id = SelectField(_l("Concerns"), coerce=int, default=0)
    text = _text(_l("Correction"), MAX_TEXT, _l("Write what the minutes should say."), multiline=True,
                 render_kw={"rows": 5})
    reason = _text(_l("Reason"), MAX_TEXT, _l("Say why the minutes are corrected."), multiline=True,
                   render_kw={"rows": 2})

    def __init__(self, items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_id.choices = [(0, _l("The whole minutes"))] + [(i.id, f"§ {i.number} {i.title}") for i in items]
