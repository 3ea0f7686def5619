"""Form pieces shared by the feature forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

# Ids are 32-bit on PostgreSQL; a larger number in an address is no id (and would overflow SQLite's integer).
MAX_ID = 2**31 - 1


def as_id(text: str | None) -> int | None:
    """An id typed into an address (?village=3): a positive whole number that can be an id, else None."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


# A field people never see; bots fill it in. Its presence in a form is checked by
# `honeypot_filled`, and a filled one is refused without saying why.
HONEYPOT_FIELD = "website_url"


class NoControlCharacters:
    """Refuse invisible control characters (tabs and newlines are fine in text areas)."""

    def __init__(self, multiline: bool = False):
        self.allowed = {"\n", "\r", "\t"} if multiline else set()

    def __call__(self, form, field):
        if field.data and any(ord(c) < 32 and c not in self.allowed for c in field.data):
            raise ValidationError(_l("Remove the invisible control characters."))


def errors_text(errors) -> str:
    """A field's (or several fields') validation messages as one flash text; they may be lazy strings."""
    return " ".join(str(error) for error in errors)


def stripped(value):
    """Filter: trim whitespace around text input."""
    return value.strip() if isinstance(value, str) else value


def honeypot_field():
    return StringField(_l("Leave this field empty"), default="")


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: buttons, and forms whose fields the view reads itself."""
