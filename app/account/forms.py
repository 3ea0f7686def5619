"""Profile and erasure forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from app.auth.forms import LANGUAGE_CHOICES, display_name_field


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES,
                           description=_l("The language of the pages and of the emails we send you."))


class EraseAccountForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that my account is erased for good and I cannot sign in with it again."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )
