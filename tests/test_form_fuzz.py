"""Hypothesis fuzzing of every POST route, enumerated from the URL map (a new route fails
`test_every_post_route_is_fuzzed` until it has an actor here): random unicode (odd planes, right-to-left,
combining marks), empty, huge and malformed values (text in number, date, select and euro fields, lists where
one value is expected) never cause a server error, and a refused submission changes nothing."""
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TimeField,
)

from tests.attack_helpers import (  # noqa: F401  (world: the fixture)
    CASES,
    form_classes,
    form_fields,
    max_length,
    snapshot,
    submit,
    world,
)
from tests.test_csrf import EXEMPT, UNCLASSIFIED, _pattern, _post_routes, _templates
from tests.test_permissions import COORDINATOR, NOBODY_BY_ROLE, ROUTES, objects  # noqa: F401  (objects: fixture)

# More examples per route when hunting (ATTACK_FUZZ_SCALE=20); the suite keeps a few, as it must stay fast.
SCALE = int(os.environ.get("ATTACK_FUZZ_SCALE", "1"))
# Routes whose fuzzing would end the session it runs in, done by a fresh user each time.
FRESH = {"/logout", "/account/erase", "/password/change"}
# Fields the views read from request.form themselves, beside their forms (ballots, roll calls, reasons...).
VIEW_FIELDS = ("reason", "value", "project", "points-1", "vote-1", "remove", "action", "state", "role", "granted",
               "next", "body", "choice", "member-1", "present-1")

ODD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
SCRIPTS = st.sampled_from(["مرحبا بالعالم", "שלום\u202e", "e\u0301\u0308\u20dd", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "🏳️‍🌈" * 5, "\U000e0041",
                           "\U0010fffd", "ﷺ", "　", "\ufeff", "\u200b\u200d", "Ä" * 3, "\r\n", "\t"])
MALFORMED = st.sampled_from(["", " ", "-1", "0", "1e999", "NaN", "Infinity", "99999999999999999999", "2147483648",
                             "1,2,3", "1.5", "٣", "０１", "31.2.2027", "2027-02-31", "9999-99-99", "25:61", "null",
                             "' OR 1=1--", "1; DROP TABLE users", "%' UNION SELECT 1--", "None", "[]", "{}",
                             "x" * 10_000, "y\n" * 3_000])


KIND_VALUES = {
    "number": st.sampled_from(["12", "0", "-5", "1.5", "1,5", "abc", "1e3", "٣", "2147483648", "9" * 30, "", "+1"]),
    "date": st.sampled_from(["2027-03-12", "12.3.2027", "2027-13-01", "0000-00-00", "12/3/2027", "18:00", "25.00",
                             "24:00", "18.60", "tomorrow", "", "9" * 20]),
    "choice": st.sampled_from(["0", "1", "-1", "999999", "2147483648", "fi", "xx", "", "approval", "None"]),
    "flag": st.sampled_from(["y", "n", "", "0", "false", "on", "kyllä"]),
    "euros": st.sampled_from(["1 234,50", "-5", "1.2.3,4", "1e9", "NaN", "€", "0,001", "99999999999999", "∞", ""]),
}


def value_strategy(kind: str = "text"):
    text = st.one_of(ODD_TEXT, SCRIPTS, MALFORMED, st.text(min_size=0, max_size=3).map(lambda t: t * 2000))
    one = st.one_of(KIND_VALUES[kind], text) if kind in KIND_VALUES else text
    # A list where one value is expected: the form reads the first, the view may read them all.
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


@st.composite
def submissions(draw, fields: dict[str, str]):
    """Some of the fields (each with a value for its kind, or any junk), in any combination."""
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=len(fields)))
    return {name: draw(value_strategy(fields[name])) for name in chosen}


def _route_actor(template: str) -> str | None:
    """Who may use the route (test_permissions' matrix): its first allowed role, else the person it is for."""
    for _method, url, roles in ROUTES:
        if url == template and _method == "POST" or _pattern(url) == _pattern(template) and _method == "POST":
            if roles == NOBODY_BY_ROLE:
                return "organiser" if url.startswith("/events/") else "author"
            return roles[-1] if roles else None
    return COORDINATOR[0]


def fuzz_routes(app) -> list[tuple[str, str | None, list[str]]]:
    """(URL template, actor, {field name: kind}) for every POST route: a form case's form fields, else what the view
    reads from its form."""
    templates = _templates()
    by_url = {}
    for case in CASES:
        if case.method == "POST":
            names = {f"{case.prefix}-{n}" if case.prefix else n: _kind(unbound)
                     for n, unbound in form_fields(form_classes()[case.form]).items()}
            by_url.setdefault(_pattern(case.url), (case.url, case.actor, names))
    routes = []
    for rule in _post_routes(app) + sorted(EXEMPT):
        pattern = _pattern(rule)
        if pattern in by_url:
            routes.append(by_url[pattern])
            continue
        template = UNCLASSIFIED.get(rule) or templates.get(pattern) or rule.replace("<token>", "not-a-token")
        routes.append((template, _route_actor(template), dict.fromkeys(VIEW_FIELDS, "text")))
    return routes


def test_every_post_route_is_fuzzed(app):
    routes = fuzz_routes(app)
    assert len(routes) > 80
    for template, _actor, fields in routes:
        assert "<" not in template, f"{template}: add the route to tests/test_permissions.py ROUTES"
        assert fields, template


def _kind(form_field) -> str:
    field_class = form_field.field_class
    if field_class.__name__ == "EuroField":
        return "euros"
    for kind, classes in (("number", (IntegerField, DecimalField)), ("date", (DateField, TimeField)),
                          ("choice", (SelectField, SelectMultipleField)), ("flag", (BooleanField,))):
        if issubclass(field_class, classes):
            return kind
    return "text"


def test_no_form_submission_fails_and_refusals_change_nothing(app, world):  # noqa: F811
    ids, client_of = world
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as the 500 it would be, not as a test error
    failures: list[str] = []
    statuses: dict[int, int] = {}
    for template, actor, fields in fuzz_routes(app):
        url = template.format(**ids) if "{" in template else template
        examples = (5 if set(fields) != set(VIEW_FIELDS) else 2) * SCALE
        _fuzzer(url, fields, examples, lambda actor=actor, fresh=template in FRESH: client_of(actor, fresh=fresh),
                failures, statuses)()
    assert not failures, "\n".join(failures[:30])
    assert statuses.get(302, 0) > 50 and statuses.get(200, 0) + statuses.get(422, 0) > 50  # the forms were reached


def _fuzzer(url: str, fields: dict[str, str], examples: int, client_of, failures: list, statuses: dict):
    """A Hypothesis test POSTing generated values of `fields` to `url`, recording what went wrong."""
    from tests.conftest import csrf_token

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(submissions(fields))
    def check(values):
        client = client_of()
        if not hasattr(client, "attack_csrf_token"):
            client.attack_csrf_token = csrf_token(client, "/accessibility")
        before = snapshot()
        response = client.post(url, data={**values, "csrf_token": client.attack_csrf_token})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"POST {url} {response.status_code} with {_short(values)}")
        elif response.status_code not in (302, 413) and snapshot() != before:
            failures.append(f"POST {url} refused ({response.status_code}) but changed the database: {_short(values)}")

    return check


def _short(values: dict) -> str:
    return repr({k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in values.items()})[:300]


def test_villages_whose_names_make_the_same_slug_are_both_saved(login_as):
    """Regression (found by the fuzzer): the second of two names with one ASCII slug was a 500 (IntegrityError)."""
    from app.directory.models import Village
    from app.extensions import db
    from tests.conftest import post_form

    coordinator, _user = login_as("coordinator")
    for name in ("Lyöttilä", "Lyottila", "«", "»", "㎑" * 80):  # NFKD: "khz" * 80, beyond the slug column
        response = post_form(coordinator, "/admin/villages/new", {"name": name}, token_from="/admin/villages/new")
        assert response.status_code == 302, name
    slugs = list(db.session.scalars(db.select(Village.slug).order_by(Village.id)))
    assert slugs[:4] == ["lyottila", "lyottila-2", "village", "village-2"] and len(set(slugs)) == 5
    assert all(len(slug) <= 80 for slug in slugs)


def test_text_beyond_a_field_limit_is_a_clear_form_error(app, world):  # noqa: F811
    """One character over each text field's limit: refused with a message at the form, and nothing stored.
    (A refusal changes nothing, so every form is tried in one world.)"""
    ids, client_of = world
    ids["round"] = 0
    tried = 0
    for case in CASES:
        if case.method != "POST" or case.fresh or case.before:
            continue
        form_class = form_classes()[case.form]
        client = client_of(case.actor)
        for name in case.text:
            limit = max_length(form_class, case.field_name(name), None)
            if not limit:
                continue  # no limit in the form: the service's limit is met by the fuzzer's huge values
            before = snapshot()
            response = submit(client, case, ids, {name: "ä" * (limit + 1)})
            page = response.get_data(as_text=True)
            if response.status_code == 302:  # a form posted from a page that shows its refusal there, flashed
                page = client.get(response.headers["Location"]).get_data(as_text=True)
            assert response.status_code in (200, 302, 422), (case.id, name, response.status_code)
            assert re.search(r'class="(flash flash-error|error)"', page), f"{case.id}: no message for {name} > {limit}"
            assert snapshot() == before, f"{case.id}: {name} over its limit changed the database"
            tried += 1
    assert tried > 50


def test_a_refused_reason_for_a_representation_decision_is_a_message(login_as, objects):  # noqa: F811
    """Regression (found by the fuzzer): the form's lazily translated error was joined as a str: a 500."""
    from tests.conftest import post_form

    coordinator, _user = login_as("coordinator")
    before = snapshot()
    response = post_form(coordinator, f"/admin/representations/{objects['representation']}/reject",
                         {"reason": "huono\x03syy"}, token_from="/admin/representations", follow_redirects=True)
    assert response.status_code == 200
    assert "flash-error" in response.get_data(as_text=True)
    assert snapshot() == before
