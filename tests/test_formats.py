"""Dates and money in each language's own style."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app.i18n import format_day, format_moment, format_money


@pytest.mark.parametrize("locale, day, money, whole", [
    ("fi", "28.11.2026", "1\xa0234,50 €", "3\xa0200 €"),
    ("sv", "28 nov. 2026", "1\xa0234,50 €", "3\xa0200 €"),
    ("en", "Nov 28, 2026", "1,234.50 €", "3,200 €"),
])
def test_day_and_money(app, locale, day, money, whole):
    """One money format everywhere (pages, emails, explanations): cents only when there are some."""
    with app.test_request_context(), force_locale(locale):
        assert format_day(date(2026, 11, 28)) == day
        assert format_money(Decimal("1234.5")) == money
        assert format_money(Decimal("3200.00")) == whole
        assert format_money(None) == ""


def test_moment_is_shown_in_helsinki_time(app):
    with app.test_request_context(), force_locale("fi"):
        # 12:05 UTC is 14.05 in Helsinki in winter.
        assert format_moment(datetime(2026, 11, 28, 12, 5)) == "28.11.2026 klo 14.05"
