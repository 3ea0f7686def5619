"""Consultation form, and the translated names of phases and of what they allow."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.consultations.phases import PHASE_ORDER, Phase, PhaseAction
from app.consultations.services import DayWindow
from app.forms import NoControlCharacters, stripped

PHASE_LABELS = {
    Phase.UPCOMING: _l("Not started"),
    Phase.INFORMATION: _l("Information"),
    Phase.PROPOSALS: _l("Proposals"),
    Phase.REVIEW: _l("Review"),
    Phase.VOTING: _l("Voting"),
    Phase.RESULTS: _l("Results"),
    Phase.CLOSED: _l("Closed"),
}

PHASE_DESCRIPTIONS = {
    Phase.UPCOMING: _l("The consultation has not started yet."),
    Phase.INFORMATION: _l("The background and the goals are presented; questions and comments are welcome."),
    Phase.PROPOSALS: _l("Residents and associations submit proposals and support them."),
    Phase.REVIEW: _l("The municipality reviews the proposals and answers them."),
    Phase.VOTING: _l("The proposals that passed the review are voted on."),
    Phase.RESULTS: _l("The results and decisions are published."),
    Phase.CLOSED: _l("The consultation has ended."),
}

# What a phase lets people do, as items of a "Now you can:" list.
ACTION_LABELS = {
    PhaseAction.SUBMIT_PROPOSAL: _l("Submit proposals"),
    PhaseAction.EDIT_PROPOSAL: _l("Edit your own proposals"),
    PhaseAction.SUPPORT: _l("Support proposals"),
    PhaseAction.ENDORSE: _l("Endorse proposals in your association's name"),
    PhaseAction.COMMENT: _l("Comment on proposals"),
    PhaseAction.CAST_BALLOT: _l("Vote"),
}

LIFECYCLE_LABELS = {
    "open": _l("Open now"),
    "upcoming": _l("Upcoming"),
    "closed": _l("Closed"),
}

# Messages for the codes of validate_windows() and save_consultation().
WINDOW_ERRORS = {
    "ends_before_start": _l("The last day must not be before the first day."),
    "overlap": _l("This phase must start after the previous phase has ended. "
                  "Only the last phase may be left without a last day."),
    "duplicate_phase": _l("Each phase can be given only once."),
    "unknown_phase": _l("Choose one of the phases in the list."),
    "no_phases": _l("Give the dates of at least one phase."),
}

# Codes of save_consultation() that concern the answer deadline fields rather than a phase.
DEADLINE_ERRORS = {"bad_answer_days": "answer_days", "bad_escalation_days": "escalation_days"}


def days_error():
    from app.review.deadlines import MAX_DAYS, MIN_DAYS  # here: app.review imports this package

    return _l("Give a whole number of days from %(min)d to %(max)d.", min=MIN_DAYS, max=MAX_DAYS)


def whole_days(_form, field) -> None:
    """An answer or escalation period: a whole number of days in the allowed range."""
    from app.review.deadlines import valid_days

    if not valid_days(field.data):
        field.errors.clear()  # one message, instead of WTForms' own "Not a valid integer value" before it
        raise ValidationError(days_error())


def start_field_name(phase: Phase) -> str:
    return f"{phase.value}_starts"


def end_field_name(phase: Phase) -> str:
    return f"{phase.value}_ends"


class ConsultationForm(FlaskForm):
    """Title, description, area, the phase windows as days, and an optional forced phase."""

    title = StringField(_l("Title"), filters=[stripped], validators=[
        InputRequired(_l("Give the consultation a title.")),
        Length(max=200, message=_l("The title can be at most %(max)d characters.")),
        NoControlCharacters()])
    description = TextAreaField(_l("Description"), filters=[stripped], validators=[
        Optional(), Length(max=20000, message=_l("The description can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)],
        description=_l("Markdown: **bold**, lists, links. What is decided, how much money there is, "
                       "who can take part."))
    village_id = SelectField(_l("Area"), coerce=int)
    phase_override = SelectField(_l("Current phase"), validators=[Optional()], description=_l(
        "Normally the dates decide the phase. Force a phase only to deviate from them, "
        "for example to close the consultation early."))

    # The defaults are the model's (60 and 30 days).
    answer_days = IntegerField(_l("Days to answer a proposal"), default=60, validators=[whole_days],
        description=_l("How many days the municipality has to answer each proposal officially, counted from "
                       "the day it was submitted."), render_kw={"inputmode": "numeric"})
    escalation_days = IntegerField(_l("Days before an unanswered proposal goes to the municipal board"),
                                   default=30, validators=[whole_days],
        description=_l("Counted from the answer deadline: if there is still no answer, the members of the "
                       "municipal board are told by email."), render_kw={"inputmode": "numeric"})

    def __init__(self, villages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_id.choices = [(0, _l("Whole municipality"))] + [(v.id, v.name) for v in villages]
        self.phase_override.choices = [("", _l("Follow the dates"))] + [
            (phase.value, _l("Force: %(phase)s", phase=PHASE_LABELS[phase])) for phase in PHASE_ORDER]

    def phase_fields(self):
        """(phase, first-day field, last-day field) in phase order, for the template."""
        return [(phase, self[start_field_name(phase)], self[end_field_name(phase)]) for phase in PHASE_ORDER]

    def day_windows(self) -> list[DayWindow]:
        """The phases given a first day, as entered."""
        return [DayWindow(phase, start.data, end.data) for phase, start, end in self.phase_fields()
                if start.data is not None]

    def fill_windows(self, windows: dict[Phase, DayWindow]) -> None:
        for phase, start, end in self.phase_fields():
            if phase in windows:
                start.data, end.data = windows[phase].starts_on, windows[phase].ends_on

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for _phase, start, end in self.phase_fields():
            if end.data is not None and start.data is None and not start.errors:
                start.errors = [*start.errors, _l("Give the first day too.")]
                valid = False
        return valid

    def validate_phase_override(self, field):
        if field.data and field.data not in {p.value for p in PHASE_ORDER}:
            raise ValidationError(WINDOW_ERRORS["unknown_phase"])

    def add_window_error(self, code: str, phase: Phase | None) -> None:
        """Show a refusal of save_consultation() at the field it concerns."""
        if code in DEADLINE_ERRORS:
            target = self[DEADLINE_ERRORS[code]]
            target.errors = [*target.errors, days_error()]
            return
        if phase is None:
            windows = self.day_windows()
            phase = windows[0].phase if windows else Phase.INFORMATION
        target = self[end_field_name(phase)] if code == "ends_before_start" else self[start_field_name(phase)]
        target.errors = [*target.errors, WINDOW_ERRORS.get(code, WINDOW_ERRORS["unknown_phase"])]


for _phase in PHASE_ORDER:
    setattr(ConsultationForm, start_field_name(_phase), DateField(
        _l("%(phase)s: first day", phase=PHASE_LABELS[_phase]), validators=[Optional()]))
    setattr(ConsultationForm, end_field_name(_phase), DateField(
        _l("%(phase)s: last day", phase=PHASE_LABELS[_phase]), validators=[Optional()]))
