"""Language choice and locale-aware formatting for templates."""
from datetime import date, datetime

from flask import current_app, request
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_babel import gettext as _
from flask_login import current_user

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def select_locale() -> str:
    """The signed-in user's language, else the remembered choice, else Finnish."""
    if current_user and current_user.is_authenticated and current_user.language in current_app.config["LANGUAGES"]:
        return current_user.language
    return cookie_locale()


def cookie_locale() -> str:
    """The language remembered in the visitor's cookie, else Finnish; without asking who is signed in (pages
    that must not touch the database: the page cache, the database-unavailable page)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_day(value: date | datetime | None) -> str:
    """A date as people write it in the current language (28.11.2026 in Finnish)."""
    if value is None:
        return ""
    return format_date(value, "medium")


def format_moment(value: datetime | None) -> str:
    """A stored UTC time shown in Helsinki time: 28.11.2026 14.05."""
    if value is None:
        return ""
    return format_datetime(value, "medium" if str(get_locale()) != "fi" else "d.M.yyyy 'klo' H.mm")


def format_time_of_day(value: datetime | None) -> str:
    """The clock time of a stored UTC moment in Helsinki time: 18.30."""
    if value is None:
        return ""
    return format_time(value, "short")


def format_money(amount) -> str:
    """An amount in euros, as people read it: "3 200 €" or "1 234,50 €" in Finnish (cents only when there are
    some); the one money format of every page, email and explanation."""
    if amount is None:
        return ""
    text = format_decimal(amount, format="#,##0" if amount == int(amount) else "#,##0.00")
    return _("%(amount)s €", amount=text)


def register_template_helpers(app) -> None:
    """Make the formatters available as Jinja filters."""
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_time_of_day, "time_of_day")
