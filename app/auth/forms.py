"""Forms for signing in, registration and passwords."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from app.auth.passwords import (
    COMMON,
    CONTAINS_EMAIL,
    CONTAINS_NAME,
    MAX_LENGTH,
    MIN_LENGTH,
    TOO_LONG,
    TOO_SHORT,
    password_problems,
)
from app.forms import NoControlCharacters, honeypot_field, stripped

PASSWORD_MESSAGES = {
    TOO_SHORT: _l("Use at least %(n)d characters. A few words in a row make a good password.", n=MIN_LENGTH),
    TOO_LONG: _l("The password can be at most %(n)d characters.", n=MAX_LENGTH),
    COMMON: _l("This password is too common. Choose something others would not guess."),
    CONTAINS_NAME: _l("The password must not contain your name."),
    CONTAINS_EMAIL: _l("The password must not contain your email address."),
}

LANGUAGE_CHOICES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


def email_field(label=_l("Email address")):
    return EmailField(label, filters=[stripped], validators=[
        InputRequired(_l("Enter your email address.")),
        Length(max=254, message=_l("The email address is too long.")),
        Email(_l("Enter an email address in the form name@example.fi."), check_deliverability=False),
    ], render_kw={"autocomplete": "email"})


def display_name_field():
    return StringField(_l("Display name"), filters=[stripped], validators=[
        InputRequired(_l("Enter the name shown with what you write.")),
        Length(min=2, max=80, message=_l("The name must be 2–80 characters long.")),
        NoControlCharacters(),
    ], render_kw={"autocomplete": "name"},
        description=_l("Shown publicly with your comments and proposals."))


class NewPasswordMixin:
    """A new password typed twice and checked against the policy."""

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Choose a password."))],
        description=_l("At least 10 characters. Long passphrases are welcome; no special characters needed."),
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("New password again"),
        validators=[InputRequired(_l("Type the password again.")),
                    EqualTo("password", _l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )

    def policy_context(self) -> tuple[str, str]:
        """Name and email the password must not contain."""
        return "", ""

    def validate_password(self, field):
        name, email = self.policy_context()
        problems = password_problems(field.data or "", name, email)
        if problems:
            raise ValidationError(" ".join(str(PASSWORD_MESSAGES[p]) for p in problems))


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class ReauthenticateForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class RegisterForm(NewPasswordMixin, FlaskForm):
    email = email_field()
    display_name = display_name_field()
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="fi")
    accept_privacy = BooleanField(
        _l("I have read the privacy notice."),
        validators=[InputRequired(_l("Please read and accept the privacy notice."))],
    )
    website_url = honeypot_field()

    def policy_context(self):
        return self.display_name.data or "", self.email.data or ""


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def policy_context(self):
        return (self._user.display_name, self._user.email or "") if self._user else ("", "")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[InputRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def policy_context(self):
        return (self._user.display_name, self._user.email or "") if self._user else ("", "")
