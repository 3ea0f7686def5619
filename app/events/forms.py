"""Event forms: an event (with co-organisers), a volunteer task, an email to the volunteers."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.events.messages import CATEGORY_LABELS
from app.events.services import MAX_CAPACITY, MAX_PLACE, MAX_TEXT, MAX_TITLE
from app.forms import NoControlCharacters, stripped
from app.meetings.forms import NOT_A_DATE, LocalDateField, LocalTimeField

MARKDOWN_HINT = _l("Markdown works: **bold**, lists with -, links.")


def _text(label, maximum, required=None, multiline=False, **kwargs):
    validators = [InputRequired(required)] if required else [Optional()]
    validators += [Length(max=maximum, message=_l("At most %(max)d characters.")),
                   NoControlCharacters(multiline=multiline)]
    field = TextAreaField if multiline else StringField
    return field(label, filters=[stripped], validators=validators, **kwargs)


class EventForm(FlaskForm):
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    title = _text(_l("Title"), MAX_TITLE, _l("Give a title."))
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    description = _text(_l("Description"), MAX_TEXT, multiline=True, render_kw={"rows": 8}, description=MARKDOWN_HINT)
    village_id = SelectField(_l("Village"), coerce=int, default=0)
    place = _text(_l("Place"), MAX_PLACE, _l("Give the place."),
                  description=_l("For example “Vuolenkosken kylätalo, Vuolenkoskentie 12”."))
    start_day = LocalDateField(_l("Starts on"), validators=[InputRequired(NOT_A_DATE)])
    start_time = LocalTimeField(_l("Starting time"), validators=[Optional()])
    end_day = LocalDateField(_l("Ends on (optional)"), validators=[Optional()],
                             description=_l("Only when the event goes on past midnight or lasts several days."))
    end_time = LocalTimeField(_l("Ending time"), validators=[Optional()])
    all_day = BooleanField(_l("Lasts all day (no times)"))
    price = StringField(_l("Price in euros (optional)"), filters=[stripped], validators=[Optional(), Length(max=12)],
                        description=_l("Leave empty if the event is free."))
    accessibility = _text(_l("Accessibility"), MAX_TEXT, multiline=True, render_kw={"rows": 3},
                          description=_l("For example step-free entrance, accessible toilet, induction loop."))
    co_organiser_ids = SelectMultipleField(_l("Co-organisers"), coerce=int, validate_choice=False)

    def __init__(self, organisers, villages, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organiser_id.choices = [(a.id, a.name) for a in organisers]
        self.village_id.choices = [(0, _l("Whole municipality"))] + [(v.id, v.name) for v in villages]
        self.co_organiser_choices = [(a.id, a.name) for a in associations]

    def validate_price(self, field):
        if field.data:
            try:
                field.parsed = Decimal(field.data.replace(",", ".").replace("€", "").strip())
            except InvalidOperation:
                raise ValidationError(_l("Give the price in euros, for example 5 or 7,50, or leave it empty "
                                         "if the event is free.")) from None
            if not field.parsed.is_finite() or field.parsed < 0:
                raise ValidationError(_l("Give the price in euros, for example 5 or 7,50, or leave it empty "
                                         "if the event is free."))

    def price_value(self) -> Decimal | None:
        return getattr(self.price, "parsed", None) if self.price.data else None

    def validate_co_organiser_ids(self, field):
        known = {value for value, _label in self.co_organiser_choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose associations from the list."))


class TaskForm(FlaskForm):
    title = _text(_l("Task"), MAX_TITLE, _l("Give the task a name."),
                  description=_l("For example “Coffee stand”."))
    capacity = IntegerField(_l("People needed"), validators=[
        InputRequired(_l("Give the number of people needed.")),
        NumberRange(min=1, max=MAX_CAPACITY, message=_l("Give a number from 1 to %(max)d."))],
        render_kw={"inputmode": "numeric"})
    day = LocalDateField(_l("Day (optional)"), validators=[Optional()],
                         description=_l("The event's first day if left empty."))
    starts = LocalTimeField(_l("From (optional)"), validators=[Optional()])
    ends = LocalTimeField(_l("Until (optional)"), validators=[Optional()])
    description = _text(_l("What the task involves (optional)"), MAX_TEXT, multiline=True, render_kw={"rows": 3})


class VolunteerEmailForm(FlaskForm):
    subject = _text(_l("Subject"), MAX_TITLE, _l("Give the subject."))
    message = _text(_l("Message"), MAX_TEXT, _l("Write the message."), multiline=True, render_kw={"rows": 8})


class ImageForm(FlaskForm):
    image = FileField(_l("Picture"), description=_l("A JPEG, PNG, WebP or GIF picture, at most 8 MB. It is shown "
                                                    "at most 1600 pixels wide."))
    alt_text = _text(_l("Description of the picture"), 300, _l("Describe the picture for people who cannot see it."),
                     description=_l("What the picture shows, for people who cannot see it, for example “Children "
                                    "fishing at the village pond”."))
