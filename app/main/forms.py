"""Language switch and accessibility feedback."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from app.forms import NoControlCharacters, honeypot_field, stripped


class LanguageForm(FlaskForm):
    next = HiddenField()


class FeedbackForm(FlaskForm):
    message = TextAreaField(_l("Your feedback"), filters=[stripped], validators=[
        InputRequired(_l("Write what you noticed.")),
        Length(max=5000, message=_l("The feedback can be at most 5000 characters.")),
        NoControlCharacters(multiline=True),
    ], description=_l("Describe the problem and where you met it. We answer within 14 days if you give an email address."))
    page_url = StringField(_l("Page where the problem is (optional)"), filters=[stripped],
                           validators=[Optional(), Length(max=500), NoControlCharacters()])
    name = StringField(_l("Your name (optional)"), filters=[stripped],
                       validators=[Optional(), Length(max=80), NoControlCharacters()],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("Your email address (optional, for an answer)"), filters=[stripped], validators=[
        Optional(), Length(max=254),
        Email(_l("Enter an email address in the form name@example.fi."), check_deliverability=False)],
        render_kw={"autocomplete": "email"})
    website_url = honeypot_field()
