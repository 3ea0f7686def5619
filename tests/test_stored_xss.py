"""Stored XSS in every text field of every form, rendered back: each payload is submitted through the real
route, as a person allowed to, and every page that shows the text is parsed (html.parser, not a grep: escaped
text legitimately contains "&lt;script") for anything a browser would run.

The forms are found by walking app/ (every FlaskForm subclass), so a new form or a new text field fails
`test_every_text_field_of_every_form_is_attacked` until a route case for it is added to attack_helpers.CASES."""
import html

import pytest

from tests.attack_helpers import (
    BEFORE,
    CASES,
    NOT_SUBMITTED,
    FormCase,
    executable_markup,
    form_classes,
    form_fields,
    max_length,
    refusal,
    shown_pages,
    submit,
    text_fields,
    world,  # noqa: F401  (the fixture)
)
from tests.test_permissions import objects  # noqa: F401  (the fixture)

# Two submissions per case (the suite must stay fast), every classic vector in one of them; in a short field
# the end of the second is cut off at the field's limit, where a Markdown link would not be Markdown anyway.
PAYLOADS = (
    "<script>alert(1)</script><svg onload=alert(1)><iframe src=javascript:alert(1)>",
    ('"><img src=x onerror=alert(1)>\' onmouseover=\'alert(1)\' x=\''
    "[klik](javascript:alert(1)) <a href=\"javascript:alert(1)\">a</a>"),
)


def marker(case_index: int, field_index: int) -> str:
    """A word that tells which case and field wrote a text (letters only: Markdown leaves it alone)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "xss" + letters[case_index // 26] + letters[case_index % 26] + letters[field_index]


def test_every_text_field_of_every_form_is_attacked(app):
    forms = form_classes()
    assert len(forms) > 40  # all of them, not a handful
    covered: dict[str, set[str]] = {}
    for case in CASES:
        assert case.form in forms, f"{case.form}: no such form"
        names = {case.field_name(n) for n in (*case.text, *case.fixed)}
        unknown = names - set(form_fields(forms[case.form]))
        assert not unknown, f"{case.id}: {unknown} are not fields of the form"
        covered.setdefault(case.form, set()).update(names)
    missing = []
    for name, form_class in forms.items():
        if name in NOT_SUBMITTED:
            continue
        for field_name in text_fields(form_class):
            if field_name not in covered.get(name, set()):
                missing.append(f"{name}.{field_name}")
    assert not missing, ("text fields no route case submits (add a FormCase to tests/attack_helpers.CASES): "
                         + ", ".join(missing))
    # A case's text fields must reach a page: a field only in `fixed` needs a reason, and something is attacked.
    for name in covered:
        attacked = {c.field_name(n) for c in CASES if c.form == name for n in c.text}
        assert attacked or name in NOT_SUBMITTED, f"{name}: no field is attacked"


def _values(case: FormCase, case_index: int, payload: str) -> dict[str, str]:
    form_class = form_classes()[case.form]
    values = {}
    for field_index, name in enumerate(case.text):
        text = f"{marker(case_index, field_index)} {payload}"
        values[name] = text[:max_length(form_class, case.field_name(name), 10_000)]
    return values


@pytest.mark.parametrize("case_index", range(len(CASES)), ids=[c.id for c in CASES])
def test_stored_text_never_runs_as_script(app, world, case_index):  # noqa: F811
    ids, client_of = world
    case = CASES[case_index]
    shown: set[str] = set()
    for round_, payload in enumerate(PAYLOADS):
        client = client_of(case.actor, fresh=case.fresh)
        ids["round"] = round_
        if case.before:
            BEFORE[case.before](ids, client_of)
        values = _values(case, case_index, payload)
        response = submit(client, case, ids, values)
        assert response.status_code in case.accepted, (
            f"{case.id} refused {payload!r}: {refusal(response)}")
        for where, page in shown_pages(client_of, case, ids, response):
            problems = executable_markup(page)
            assert not problems, f"{case.id}: {payload!r} runs on {where}: {problems}"
            text = html.unescape(page).lower()
            shown |= {name for index, name in enumerate(case.text) if marker(case_index, index) in text}
    # Every attacked field was shown back somewhere, or the test proved nothing about it.
    not_shown = {n for n in set(case.text) - shown if case.field_name(n) not in case.unshown}
    assert not not_shown, (
        f"{case.id}: {sorted(not_shown)} not shown on any of {case.pages}")


def test_link_fields_refuse_script_addresses(app, world):  # noqa: F811
    """Fields that become links (an association's website, a meeting's video link) refuse script addresses."""
    ids, client_of = world
    for form, name in (("app.directory.forms.AssociationForm", "website"),
                       ("app.meetings.forms.MeetingForm", "video_url")):
        case = next(c for c in CASES if c.form == form)
        for address in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"):
            response = submit(client_of(case.actor), case, ids, {name: address, **_values(case, 0, "x")})
            assert response.status_code == 422 or response.status_code == 200, (form, address, response.status_code)
            assert not executable_markup(response.get_data(as_text=True)), (form, address)


def test_the_checker_sees_what_would_run_and_not_escaped_text():
    """The parser finds executable markup however it is spelled, and passes the same text escaped."""
    for page in ("<p><script>alert(1)</script></p>", "<img src=x OnError=alert(1)>", "<svg onload=alert(1)>",
                 '<a href=" java\tscript:alert(1)">x</a>', "<a href='JAVASCRIPT:alert(1)'>x</a>",
                 "<iframe src=x></iframe>", '<p title="" onmouseover="alert(1)">x</p>',
                 '<form action="javascript:alert(1)"><button>x</button></form>'):
        assert executable_markup(page), page
        assert not executable_markup("<p>" + html.escape(page) + "</p>"), page
    assert not executable_markup('<script src="/static/js/app.js" defer></script><a href="/proposals?q=javascript:x">')
