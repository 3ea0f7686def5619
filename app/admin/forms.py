"""Coordinator forms: user search, role changes, audit filter."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from app.forms import NoControlCharacters, stripped

ROLE_LABELS = {"board_member": _l("Board member"), "coordinator": _l("Coordinator")}


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email contains"), filters=[stripped], validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[("", _l("Everyone"))] + list(ROLE_LABELS.items()),
                       validators=[Optional()])


class RoleForm(FlaskForm):
    role = HiddenField(validators=[InputRequired(), AnyOf(list(ROLE_LABELS))])
    granted = HiddenField(validators=[InputRequired(), AnyOf(["0", "1"])])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    actor = StringField(_l("Done by (user number)"), filters=[stripped], validators=[Optional(), Length(max=12)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self, actions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, a) for a in actions]


class BlockForm(FlaskForm):
    reason = TextAreaField(_l("Reason for blocking"), filters=[stripped], validators=[
        DataRequired(_l("Write the reason; it is shown to the person when they try to sign in.")),
        Length(max=1000), NoControlCharacters(multiline=True)],
        description=_l("Shown to the person when they try to sign in, and kept in the audit log."))


class HideContentForm(FlaskForm):
    reason = TextAreaField(_l("Reason shown to the public"), filters=[stripped], validators=[
        DataRequired(_l("Write the reason; it is shown in place of each hidden text.")),
        Length(max=1000), NoControlCharacters(multiline=True)],
        description=_l("Shown in place of every comment and proposal of this account."))
