"""SQL-injection strings in every filter and search field (the GET filter forms, found by walking app/) and in
the text fields of forms that store text: no server error, no row changed by a search, a search for
`' OR 1=1--` or a bare wildcard finds nothing, and stored text comes back exactly as typed."""
import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.attack_helpers import (  # noqa: F401
    CASES,
    form_classes,
    form_fields,
    row_counts,
    submit,
    world,
)
from tests.test_permissions import objects  # noqa: F401  (the fixture)

INJECTIONS = ("' OR 1=1--", "1; DROP TABLE \"user\"; --", "%' UNION SELECT email, password_hash FROM \"user\" --",
              "%_\\", "' || pg_sleep(5) --", "1' AND (SELECT 1 FROM sqlite_master)='1", "ä" * 3000, "9" * 400)

# Every filter form (a form without CSRF, read from the query string), where it is used and by whom;
# the pages that filter by query parameters without a form are in OTHER_FILTERS.
FILTER_PAGES = {
    "app.proposals.forms.ProposalFilterForm": ("/proposals", None),
    "app.directory.forms.AssociationFilterForm": ("/associations", None),
    "app.admin.forms.UserFilterForm": ("/admin/users", "coordinator"),
    "app.admin.forms.AuditFilterForm": ("/admin/audit", "coordinator"),
    "app.meetings.decisions.DecisionFilterForm": ("/decisions", None),
}
NOT_A_FILTER = {"app.notifications.forms.UnsubscribeForm": "a one-click POST from mail programs, not a filter"}
OTHER_FILTERS = [("/events", ("village", "association", "category")), ("/events/month", ("month", "village")),
                 ("/meetings", ("body", "page")), ("/meetings/{planned_meeting}/items/{item}", ("q", "comments")),
                 ("/budgets/{budget}", ("voter",)), ("/api/v1/proposals", ("q", "state", "village")),
                 ("/api/v1/associations", ("q",)), ("/consultations", ("village", "page"))]


def _filter_forms() -> dict[str, type]:
    return {name: form for name, form in form_classes().items()
            if not getattr(form.Meta, "csrf", True) and name not in NOT_A_FILTER}


def test_every_filter_form_is_attacked(app):
    assert set(_filter_forms()) == set(FILTER_PAGES), "add the new filter form to FILTER_PAGES"


def test_injection_in_every_filter_changes_nothing_and_never_fails(app, world):  # noqa: F811
    ids, client_of = world
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["API_RATE_LIMIT"] = "1000000/minute"
    client_of("coordinator")  # signed in before the rows are counted
    before = row_counts()
    failures = []
    pages = [(url, actor, sorted(form_fields(_filter_forms()[name]))) for name, (url, actor) in FILTER_PAGES.items()]
    pages += [(url.format(**ids), None, list(fields)) for url, fields in OTHER_FILTERS]
    for url, actor, fields in pages:
        client = client_of(actor)
        for name in fields:
            for injection in INJECTIONS:
                response = client.get(url, query_string={name: injection})
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}={injection[:30]!r}: {response.status_code}")
        response = client.get(url, query_string={name: INJECTIONS[0] for name in fields})  # all at once
        if response.status_code >= 500:
            failures.append(f"{url} with every field injected: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert row_counts() == before


@pytest.mark.parametrize("query", ["' OR 1=1--", "' OR '1'='1", "x' OR 'x'='x", "%' UNION SELECT 1 --",
                                   "laituri' --", "laituri%", "%", "_", "\\"])
def test_a_search_for_an_injection_finds_nothing(app, world, query):  # noqa: F811
    _ids, client_of = world
    app.config["API_RATE_LIMIT"] = "1000000/minute"
    visitor, coordinator = client_of(None), client_of("coordinator")
    # The proposal and the association are found by their own names, and not by the injection.
    assert "Laituri" in _main(visitor.get("/proposals", query_string={"q": "laituri"}))
    assert "Vuolenkosken" in _main(visitor.get("/associations", query_string={"q": "vuolenkosken"}))
    assert "Vuolenkosken" not in _main(visitor.get("/associations", query_string={"q": query}))
    users = _main(coordinator.get("/admin/users", query_string={"q": query}))
    assert "@example.fi" not in users, users
    proposals = _main(visitor.get("/proposals", query_string={"q": query}))
    api = visitor.get("/api/v1/proposals", query_string={"q": query}).get_json()["data"]
    if re.search(r"[^\W_]", query) and not query.startswith("laituri"):
        assert "Laituri" not in proposals and api == []
    elif not query.startswith("laituri"):
        # The proposal search reads only the words of a query (letters and digits), so a query of bare
        # wildcards is no search at all: the whole list, as with an empty box, not a LIKE pattern.
        assert "Laituri" in proposals and len(api) == 1
    else:  # a word followed by junk finds what the word finds, and only that
        assert "Laituri" in proposals and len(api) == 1


def _main(response) -> str:
    """The page's main content (the navigation and footer name no proposal), unescaped."""
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    return html.unescape(text[text.find("<main"):text.find("</main>")])


# Forms that store text, one of each kind of storage (plain text, Markdown, names, a text on a decision).
STORING = ("ProposalForm POST /proposals/{proposal}/edit", "CommentForm POST /proposals/{proposal}/comments",
           "VillageForm POST /admin/villages/new", "AssociationForm POST /admin/associations/new",
           "EventForm POST /events/{event}/edit", "MeetingForm POST /meetings/new",
           "DecisionForm POST /meetings/{meeting}/items/{decision}/decision", "FeedbackForm POST /accessibility")
STORED = "' OR 1=1; DROP TABLE \"user\";--%_\\"


def test_injection_in_stored_text_is_stored_as_typed(app, world):  # noqa: F811
    ids, client_of = world
    ids["round"] = 0
    cases = [c for c in CASES if c.id in STORING]
    assert len(cases) == len(STORING)
    for case in cases:
        client_of(case.actor)  # signed in before the users are counted
    users = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("user")))
    for case in cases:
        response = submit(client_of(case.actor), case, ids, {name: f"{index}{STORED}" for index, name in enumerate(case.text)})
        assert response.status_code in case.accepted, case.id
    # The text is stored exactly as typed, in the columns the forms write.
    with db.engine.connect() as connection:
        stored = [value for table in db.metadata.sorted_tables for column in table.columns
                  if isinstance(column.type, sa.String)
                  for value in connection.execute(sa.select(column).where(column.contains(STORED, autoescape=True)))
                  .scalars()]
    assert len(stored) >= len(cases), stored
    assert all(value.endswith(STORED) for value in stored)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("user"))) == users


@pytest.mark.parametrize("actor", ["2147483648", "9" * 400, "٣", " 12 "])
def test_an_audit_filter_by_a_number_no_id_can_have_is_no_error(login_as, actor):
    """Regression (found by the filter attack): a person number beyond the id range was a 500 (an integer
    overflow on SQLite, out of range on PostgreSQL)."""
    coordinator, _user = login_as("coordinator")
    assert coordinator.get("/admin/audit", query_string={"actor": actor}).status_code == 200
