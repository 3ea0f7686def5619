"""Budget forms: the budget's settings, a project, projects from proposals, and the ballot's CSRF form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.budgets.messages import ELECTORATE_LABELS, SECRECY_LABELS, TALLY_RULE_LABELS, VOTING_RULE_LABELS
from app.budgets.services import MAX_DESCRIPTION, MAX_TITLE
from app.forms import ConfirmForm, NoControlCharacters, stripped  # noqa: F401  (ConfirmForm: shared)
from app.proposals.forms import EuroField

WHOLE_NUMBER = _l("Write a whole number.")


class BudgetForm(FlaskForm):
    title = StringField(_l("Title"), filters=[stripped], validators=[
        InputRequired(_l("Give a title.")),
        Length(max=MAX_TITLE, message=_l("The title can be at most %(max)d characters.")), NoControlCharacters()],
        description=_l("For example “Village money 2027”."))
    description = TextAreaField(_l("Description (optional)"), filters=[stripped], validators=[
        Length(max=MAX_DESCRIPTION, message=_l("The description can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)],
        description=_l("What the money is for and how voting works. Markdown works."), render_kw={"rows": 6})
    total = EuroField(_l("Total in euros"), validators=[InputRequired(_l("Give the budget's total in euros."))],
                      render_kw={"inputmode": "decimal", "autocomplete": "off"})
    voting_rule = SelectField(_l("Voting rule"), choices=list(VOTING_RULE_LABELS.items()), default="approval")
    max_projects = IntegerField(_l("N: the most projects a voter may choose"), validators=[
        Optional(), NumberRange(min=1, message=_l("Give a number of 1 or more."))],
        description=_l("Only for “choose at most N projects”."), render_kw={"inputmode": "numeric"})
    points_total = IntegerField(_l("K: the points each voter spreads"), validators=[
        Optional(), NumberRange(min=1, message=_l("Give a number of 1 or more."))],
        description=_l("Only for the points rule."), render_kw={"inputmode": "numeric"})
    min_projects = IntegerField(_l("The fewest projects a voter must choose"), default=0, validators=[
        Optional(), NumberRange(min=0, message=_l("The number cannot be negative."))],
        description=_l("0: no minimum."), render_kw={"inputmode": "numeric"})
    electorate = SelectField(_l("Who votes"), choices=list(ELECTORATE_LABELS.items()), default="associations")
    secrecy = SelectField(_l("Ballot secrecy"), choices=list(SECRECY_LABELS.items()), default="open")
    tally_rule = SelectField(_l("Counting rule"), choices=list(TALLY_RULE_LABELS.items()), default="mes-completed",
                             description=_l("The results page also shows what the other rule would have funded."))
    conflict_rule = BooleanField(_l("An association may not vote for a project it proposed"))
    double_entry = BooleanField(_l("Paper ballots are keyed in twice, by two coordinators"))

    FROZEN = ("total", "voting_rule", "max_projects", "points_total", "min_projects", "electorate", "secrecy",
              "conflict_rule")

    def freeze(self) -> None:
        """Voting has started: show the frozen settings, refuse changes to them."""
        for name in self.FROZEN:
            self[name].render_kw = dict(self[name].render_kw or {}, disabled=True)


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), filters=[stripped], validators=[
        InputRequired(_l("Give a title.")),
        Length(max=MAX_TITLE, message=_l("The title can be at most %(max)d characters.")), NoControlCharacters()])
    description = TextAreaField(_l("Description (optional)"), filters=[stripped], validators=[
        Length(max=MAX_DESCRIPTION, message=_l("The description can be at most %(max)d characters.")),
        NoControlCharacters(multiline=True)], render_kw={"rows": 6})
    cost = EuroField(_l("Cost in euros"), validators=[InputRequired(_l("Give the project's cost in euros."))],
                     render_kw={"inputmode": "decimal", "autocomplete": "off"})
    village_id = SelectField(_l("Village"), coerce=int, default=0)
    association_id = SelectField(_l("Proposed by association"), coerce=int, default=0,
                                 description=_l("Used by the rule that an association may not vote for its own "
                                                "project."))

    def __init__(self, villages, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_id.choices = [(0, _l("Whole municipality"))] + [(v.id, v.name) for v in villages]
        self.association_id.choices = [(0, _l("No association"))] + [(a.id, a.name) for a in associations]

