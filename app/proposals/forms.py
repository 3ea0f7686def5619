"""Proposal forms and labels: submitting and editing, the list filter, state and answer,
and the one-button forms for supporting, endorsing and following."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from app.forms import NoControlCharacters, stripped
from app.proposals.models import ProposalCategory
from app.proposals.services import MAX_ANSWER, MAX_BODY, MAX_COST, MAX_LOCATION, MAX_NOTE, MAX_TITLE, SORTS
from app.proposals.states import ProposalState

CATEGORY_LABELS = {
    "village_facilities": _l("Village halls and facilities"),
    "roads_and_lighting": _l("Roads and lighting"),
    "nature_and_recreation": _l("Nature and recreation"),
    "culture_and_events": _l("Culture and events"),
    "sports": _l("Sports"),
    "children_and_youth": _l("Children and young people"),
    "elderly": _l("Older people"),
    "environment": _l("Environment"),
    "other": _l("Other"),
}
assert set(CATEGORY_LABELS) == set(ProposalCategory.CODES)

STATE_LABELS = {
    ProposalState.SUBMITTED: _l("Submitted"),
    ProposalState.UNDER_REVIEW: _l("Under review"),
    ProposalState.ACCEPTED: _l("Accepted"),
    ProposalState.REJECTED: _l("Rejected"),
    ProposalState.WITHDRAWN: _l("Withdrawn"),
    ProposalState.IMPLEMENTED: _l("Implemented"),
}

SORT_LABELS = {
    "random": _l("Random order"),
    "supports": _l("Most supported"),
    "newest": _l("Newest first"),
    "discussed": _l("Most discussed"),
}
assert set(SORT_LABELS) == set(SORTS)

COST_MESSAGES = {
    "negative": _l("The cost cannot be negative."),
    "not_a_number": _l("Write the cost in euros as a number, for example 1 234,50 or 1234.50."),
    "too_many_decimals": _l("Give the cost with at most two decimals (cents)."),
    "too_large": _l("The cost is too large. Check the number."),
}


class CostError(ValueError):
    """A cost that is not a sensible amount of euros; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_GROUPING = (" ", "\u00a0", "\u202f", "\u2009", "'")
_AMOUNT = re.compile(r"\d+(\.\d+)?")


def parse_euros(text: str | None) -> Decimal | None:
    """Euros as people type them: '1 234,50', '1234.50', '1.234,50 €', '500'. Empty is None."""
    cleaned = (text or "").strip()
    for symbol in ("€", "EUR", "eur"):
        cleaned = cleaned.replace(symbol, "")
    for space in _GROUPING:
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        return None
    negative = cleaned[0] in "-−"
    if cleaned[0] in "+-−":
        cleaned = cleaned[1:]
    if "," in cleaned and "." in cleaned:
        # Both used: the last one separates the cents, the other groups thousands.
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif cleaned.count(",") > 1 or cleaned.count(".") > 1:
        cleaned = cleaned.replace(",", "").replace(".", "")  # 1.234.567: only grouping
    else:
        cleaned = cleaned.replace(",", ".")
    if not _AMOUNT.fullmatch(cleaned):
        raise CostError("not_a_number")
    if negative:
        raise CostError("negative")
    if "." in cleaned and len(cleaned.split(".")[1]) > 2:
        raise CostError("too_many_decimals")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise CostError("not_a_number") from None
    if amount > MAX_COST:
        raise CostError("too_large")
    return amount


class EuroField(StringField):
    """A text input for euros; `data` is a Decimal or None, the typed text is shown back."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = parse_euros(valuelist[0])
            except CostError as error:
                raise ValueError(str(COST_MESSAGES[error.code])) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_decimal(self.data, "#,##0.##") if self.data is not None else ""


class ProposalForm(FlaskForm):
    """A proposal as its author writes it (the pressed button tells preview from submit)."""

    title = StringField(_l("Title"), filters=[stripped], validators=[
        InputRequired(_l("Give the proposal a short title.")),
        Length(max=MAX_TITLE, message=_l("The title can be at most %(max)d characters.")),
        NoControlCharacters()],
        description=_l("Say in a few words what you propose, for example “A bus shelter at the Radansuu stop”."))
    body = TextAreaField(_l("Proposal"), filters=[stripped], validators=[
        InputRequired(_l("Describe your proposal.")),
        Length(max=MAX_BODY, message=_l("The proposal can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)],
        description=_l("What should be done, why, and who would benefit. Markdown works: **bold**, "
                       "lists starting with -, links [text](https://…)."),
        render_kw={"rows": 14})
    village_id = SelectField(_l("Village"), coerce=int, default=0)
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()), default="other")
    estimated_cost = EuroField(_l("Estimated cost in euros (optional)"),
                               description=_l("A rough estimate is enough, for example 1 234,50."),
                               render_kw={"inputmode": "decimal", "autocomplete": "off"})
    location = StringField(_l("Location (optional)"), filters=[stripped], validators=[
        Optional(), Length(max=MAX_LOCATION, message=_l("The location can be at most %(max)d characters.")),
        NoControlCharacters()],
        description=_l("An address or a place people know, for example “Vuolenkosken kylätalo”."))
    association_id = SelectField(_l("Submitted by"), coerce=int, default=0, description=_l(
        "As a representative you can submit the proposal in the name of your association."))

    def __init__(self, villages, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_id.choices = [(0, _l("Whole municipality"))] + [(v.id, v.name) for v in villages]
        self.association_id.choices = [(0, _l("Myself, as a resident"))] + [
            (a.id, _l("Me, for %(association)s", association=a.name)) for a in associations]

    @property
    def offers_associations(self) -> bool:
        return len(self.association_id.choices) > 1


class ProposalFilterForm(FlaskForm):
    """GET filter of the proposal list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search words"), filters=[stripped], validators=[Optional(), Length(max=200)])
    consultation = SelectField(_l("Consultation"), validators=[Optional()])
    village = SelectField(_l("Village"), validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[Optional()])
    association = SelectField(_l("Association"), validators=[Optional()])
    sort = SelectField(_l("Order"), validators=[Optional()])

    def __init__(self, consultations, villages, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation.choices = [("", _l("All consultations"))] + [(str(c.id), c.title) for c in consultations]
        self.village.choices = [("", _l("All villages"))] + [(str(v.id), v.name) for v in villages]
        self.category.choices = [("", _l("All categories"))] + list(CATEGORY_LABELS.items())
        self.state.choices = [("", _l("All states"))] + [(s.value, label) for s, label in STATE_LABELS.items()]
        self.association.choices = [("", _l("All associations"))] + [(str(a.id), a.name) for a in associations]
        self.sort.choices = list(SORT_LABELS.items())

    def chosen_id(self, field) -> int | None:
        """A select's id if it is one of its choices, else None (a mistyped address filters nothing)."""
        value = field.data or ""
        return int(value) if value.isdigit() and value in {c[0] for c in field.choices} else None

    def chosen(self, field) -> str:
        value = field.data or ""
        return value if value in {c[0] for c in field.choices} else ""


class ToggleForm(FlaskForm):
    """One button: value 1 turns something on (support, endorse, follow), 0 off."""

    value = HiddenField(validators=[AnyOf(["0", "1"])])

    @property
    def on(self) -> bool:
        return self.value.data == "1"


class StateForm(FlaskForm):
    state = SelectField(_l("New state"), validators=[InputRequired(_l("Choose the new state."))])
    note = TextAreaField(_l("Note (optional)"), filters=[stripped], validators=[
        Optional(), Length(max=MAX_NOTE, message=_l("The note can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)],
        description=_l("Shown in the proposal's history and sent to its author and followers."))

    def __init__(self, targets, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [(s.value, STATE_LABELS[s]) for s in targets]


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Official answer"), filters=[stripped], validators=[
        InputRequired(_l("Write the answer.")),
        Length(max=MAX_ANSWER, message=_l("The answer can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)],
        description=_l("Shown at the top of the proposal with your name, and emailed to its author and "
                       "followers. Markdown works."))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(_l("Yes, withdraw my proposal"),
                           validators=[InputRequired(_l("Tick the box to confirm the withdrawal."))])
