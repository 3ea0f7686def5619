"""The open-data API: resources, filters, cursors, conditional requests, CORS, rate limit, problems, downloads."""
import json
import re

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.api_helpers import (  # noqa: F401
    make_body,
    make_budget,
    make_consultation,
    make_meeting,
    world,
)
from tests.conftest import count_queries


def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def validator(document: dict, pointer: str) -> Draft202012Validator:
    """A validator of the schema at JSON `pointer` in the document, whose $refs resolve inside the document."""
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(
        {**document, "$schema": "https://json-schema.org/draft/2020-12/schema"}))
    return Draft202012Validator({"$ref": "urn:openapi#" + pointer}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def check_against_document(document: dict, path: str, response) -> None:
    """The response's status is documented for the operation and its body matches the documented schema."""
    operation = document["paths"][path]["get"]
    status = str(response.status_code)
    assert status in operation["responses"], f"{path}: undocumented status {status}"
    content = operation["responses"][status].get("content")
    if not content:
        assert response.data == b""
        return
    media = response.mimetype
    assert media in content, f"{path} {status}: undocumented media type {media}"
    if media.endswith("json"):
        pointer = "/" + "/".join(_escape(p) for p in ("paths", path, "get", "responses", status, "content", media,
                                                          "schema"))
        validator(document, pointer).validate(json.loads(response.data))


def data(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["data"]


def test_lists_give_only_public_items(client, world):
    proposals = data(client.get("/api/v1/proposals"))
    assert {p["id"] for p in proposals} == {world.proposal.id, world.withdrawn_proposal.id}
    comments = data(client.get("/api/v1/comments"))
    assert {c["id"] for c in comments} == {world.comment.id, world.reply.id}
    associations = data(client.get("/api/v1/associations"))
    names = [a["name"] for a in associations]
    assert "Vuolenkosken kyläyhdistys ry" in names and "Lakannut seura ry" not in names
    assert [v["name"] for v in data(client.get("/api/v1/villages"))] == ["Vuolenkoski", "Kylä 1", "Kylä 2", "Kylä 3"]
    assert "Kylärahat 2027" in [c["title"] for c in data(client.get("/api/v1/consultations"))]


def test_a_proposal_has_supports_answer_and_decisions(client, world):
    response = client.get(f"/api/v1/proposals/{world.proposal.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "under_review"
    assert (body["supports"], body["comments"]) == (1, 2)  # the hidden comment is not counted
    assert body["estimated_cost"] == "12500.50"
    assert body["author"] == {"display_name": "Kaisa Kirjoittaja", "deleted": False}
    assert body["answer"]["text"] == "Kunta selvittää laiturin."
    assert body["answer"]["answered_by"]["display_name"] == "Kalle Koordinaattori"
    [decision] = body["decisions"]
    assert (decision["meeting_id"], decision["agenda_item_id"], decision["section"]) == \
        (world.meeting.id, world.item.id, 1)
    assert decision["to_state"] == "under_review" and decision["body"] == "Kyläasiain neuvottelukunta"
    assert body["url"].endswith(f"/proposals/{world.proposal.id}")


def test_an_erased_author_shows_as_deleted(client, world):
    comment = client.get(f"/api/v1/comments/{world.comment.id}").get_json()
    assert comment["author"] == {"display_name": None, "deleted": True}
    assert comment["stance"] == "for"


@pytest.mark.parametrize("what", ["hidden_proposal", "hidden_comment", "comment_on_hidden", "inactive_association"])
def test_private_things_are_not_found(client, world, what):
    kind = {"hidden_proposal": "proposals", "inactive_association": "associations"}.get(what, "comments")
    response = client.get(f"/api/v1/{kind}/{getattr(world, what).id}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_filters_are_the_web_lists(client, world):
    assert [p["id"] for p in data(client.get("/api/v1/proposals?state=withdrawn"))] == [world.withdrawn_proposal.id]
    assert [p["id"] for p in data(client.get(f"/api/v1/proposals?association={world.association.id}"))] == \
        [world.proposal.id]
    assert [p["id"] for p in data(client.get("/api/v1/proposals?q=laitur"))] == [world.proposal.id]
    assert data(client.get("/api/v1/proposals?category=sports")) == []
    assert data(client.get("/api/v1/proposals?state=")) != []  # empty filters nothing, as on the web
    assert [c["id"] for c in data(client.get(f"/api/v1/comments?proposal={world.hidden_proposal.id}"))] == []
    assert [a["id"] for a in data(client.get(f"/api/v1/associations?village={world.village.id}&kind=village"))] == \
        [world.association.id]
    assert data(client.get(f"/api/v1/consultations?village={world.village.id}"))


@pytest.mark.parametrize("query, parameter", [
    ("colour=red", "colour"), ("state=lost", "state"), ("consultation=abc", "consultation"),
    ("consultation=99999999999", "consultation"), ("limit=0", "limit"), ("limit=1000000000", "limit"),
    ("limit=-1", "limit"), ("limit=2.5", "limit"), ("cursor=abc", "cursor"), ("cursor=" + "x" * 600, "cursor"),
    ("state=accepted&state=rejected", "state"), ("q=" + "a" * 201, "q"), ("q=a%00b", "q"), ("q=%0A", "q"),
])
def test_bad_query_is_a_problem(client, world, query, parameter):
    response = client.get(f"/api/v1/proposals?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert (problem["status"], problem["parameter"]) == (400, parameter)


@pytest.mark.parametrize("path", ["/api/v1/proposals/abc", "/api/v1/proposals/0", "/api/v1/proposals/99999999999",
                                  "/api/v1/proposals/-1", "/api/v1/nothing", "/api/v1/villages/1/x"])
def test_bad_ids_and_paths_are_404_problems(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_the_api_is_read_only(client, world):
    response = client.post("/api/v1/proposals", data={"title": "x"})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_unsupported_accept_is_406(client, world):
    response = client.get("/api/v1/proposals", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    assert client.get("/api/v1/proposals", headers={"Accept": "application/*"}).status_code == 200
    assert client.get("/api/v1/exports/proposals.csv", headers={"Accept": "application/json"}).status_code == 406
    assert client.get("/api/v1/exports/proposals.csv", headers={"Accept": "text/csv"}).status_code == 200


def test_cursor_walks_every_page_once(client, app, world, add_many_proposals):
    add_many_proposals(23)
    seen, url, pages = [], "/api/v1/proposals?limit=10&state=submitted", 0
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [p["id"] for p in body["data"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
            assert "state=submitted" in body["next"]
        url = body["next"]
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 23 and seen == sorted(seen)


def test_a_cursor_of_one_list_is_refused_by_another(client, world, add_many_proposals):
    add_many_proposals(3)
    cursor = client.get("/api/v1/proposals?limit=1").get_json()["next_cursor"]
    assert client.get(f"/api/v1/proposals?limit=1&cursor={cursor}").status_code == 200
    assert client.get(f"/api/v1/comments?cursor={cursor}").status_code == 400
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert client.get(f"/api/v1/proposals?cursor={tampered}").status_code == 400


def test_etag_gives_304_until_something_changes(client, world):
    from app.extensions import db
    from app.proposals.models import Support

    first = client.get("/api/v1/proposals")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    again = client.get("/api/v1/proposals", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # The server adds the one Date header; the app adds none (make_conditional would: a duplicate).
    assert "Date" not in first.headers and "Date" not in again.headers
    detail = client.get(f"/api/v1/proposals/{world.proposal.id}")
    assert client.get(f"/api/v1/proposals/{world.proposal.id}",
                      headers={"If-None-Match": detail.headers["ETag"]}).status_code == 304
    # A new support changes the list (the proposal's own timestamp does not move): a full answer again.
    db.session.add(Support(proposal_id=world.proposal.id, user_id=world.users[1].id))
    db.session.commit()
    changed = client.get("/api/v1/proposals", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # If-Modified-Since alone never gives a stale 304.
    assert client.get("/api/v1/proposals", headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 200


def test_cors_for_get_and_preflight(client, world):
    response = client.get("/api/v1/villages", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/villages", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Set-Cookie" not in response.headers


def test_rate_limit_answers_429_with_retry_after(app, world):
    app.config["API_RATE_LIMIT"] = "3/minute"
    app.extensions.pop("api_throttle", None)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/villages").status_code == 200
    refused = client.get("/api/v1/villages")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    other = app.test_client()
    assert other.get("/api/v1/villages", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200
    assert client.get("/api").status_code == 200  # the human page is not counted


@pytest.mark.parametrize("path", ["/api/v1/proposals", "/api/v1/comments", "/api/v1/villages",
                                  "/api/v1/associations", "/api/v1/consultations", "/api/v1/budgets",
                                  "/api/v1/meetings", "/api/v1/events"])
def test_lists_run_a_bounded_number_of_queries(client, world, add_many_proposals, make_budget, make_meeting, path):
    add_many_proposals(30, comments=True)
    for _ in range(4):
        make_budget()
        make_meeting(body=world.meeting.body, items=3, links={1: [world.proposal], 2: [world.hidden_proposal]})
    from datetime import timedelta

    from app.events.models import Event, TaskSignup, VolunteerTask
    from app.extensions import db
    for n in range(5):
        event = Event(organiser=world.association, title=f"Tapahtuma {n}", category="sports", status="published",
                      starts_at=world.event.starts_at + timedelta(days=n), ends_at=world.event.ends_at + timedelta(days=n))
        task = VolunteerTask(event=event, title="Talkoot", capacity=5)
        db.session.add_all([event, task])
        db.session.flush()
        db.session.add(TaskSignup(task_id=task.id, user_id=world.users[0].id))
    db.session.commit()
    with count_queries() as small:
        assert client.get(path + "?limit=2").status_code == 200
    with count_queries() as large:
        assert client.get(path + "?limit=100").status_code == 200
    assert len(large) == len(small) <= 10


def test_budgets_and_results_only_after_voting(client, world):
    from app.budgets import services

    budgets = {b["id"]: b for b in data(client.get("/api/v1/budgets"))}
    closed, still_open = budgets[world.closed_budget.id], budgets[world.open_budget.id]
    assert closed["voting_closed"] and not still_open["voting_closed"]
    assert still_open["results"] is None and still_open["ballots_pb"] is None
    assert closed["ballots_pb"].endswith(f"/budgets/{world.closed_budget.id}/ballots.pb")
    assert [p["title"] for p in closed["projects"]] == ["Kylätalon katto", "Uimarannan laituri", "Latu-ura"]
    refused = client.get(f"/api/v1/budgets/{world.open_budget.id}/results")
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    results = client.get(f"/api/v1/budgets/{world.closed_budget.id}/results").get_json()
    assert results["ballots"] == 6 and results["rule"] == "greedy"
    expected = services.results(services.get_budget(world.closed_budget.id), "greedy")
    funded = {p["pb_id"] for p in results["projects"] if p["funded"]}
    assert funded == {pid for pid, e in expected.explanations.items() if e.selected}
    assert all(p["explanation"] for p in results["projects"])
    english = client.get(f"/api/v1/budgets/{world.closed_budget.id}/results?lang=en").get_json()
    assert english["projects"][0]["explanation"].startswith(("Funded", "Not funded"))
    assert client.get(f"/api/v1/budgets/{world.closed_budget.id}/results?lang=de").status_code == 400
    # The downloads the results link to are the budget pages' own.
    assert client.get(closed["results_csv"]).status_code == 200
    assert client.get(closed["ballots_pb"]).status_code == 200


def test_meetings_with_items_decisions_and_public_links(client, world):
    from app.extensions import db
    from app.meetings.models import AgendaLink

    db.session.add(AgendaLink(item_id=world.meeting.items[1].id, proposal_id=world.hidden_proposal.id))
    db.session.add(AgendaLink(item_id=world.meeting.items[1].id, comment_id=world.hidden_comment.id))
    db.session.add(AgendaLink(item_id=world.meeting.items[1].id, comment_id=world.comment.id))
    db.session.commit()
    meeting = client.get(f"/api/v1/meetings/{world.meeting.id}").get_json()
    assert meeting["status"] == "held" and meeting["body"]["name"] == "Kyläasiain neuvottelukunta"
    first, second = meeting["items"]
    assert (first["section"], first["proposal_ids"]) == (1, [world.proposal.id])
    assert (second["proposal_ids"], second["comment_ids"]) == ([], [world.comment.id])  # hidden ones left out
    assert [m["id"] for m in data(client.get("/api/v1/meetings?status=held"))] == [world.meeting.id]
    assert data(client.get("/api/v1/meetings?status=approved")) == []
    decisions = client.get("/api/v1/exports/decisions.csv")
    assert decisions.data.startswith("\ufeff".encode()) and decisions.mimetype == "text/csv"
    text = decisions.data.decode("utf-8-sig")
    assert "Asia 1" in text and "Asia 2" in text and "#item-1" in text
    meetings = client.get("/api/v1/exports/meetings.csv").data.decode("utf-8-sig")
    assert "Kausalan kunnantalo" in meetings


def test_events_are_the_public_ones_with_task_counts(client, world):
    events = data(client.get("/api/v1/events"))
    assert [e["id"] for e in events] == [world.event.id]
    [task] = events[0]["tasks"]
    assert (task["title"], task["capacity"], task["signed_up"]) == ("Kahvio", 3, 2)
    assert client.get(f"/api/v1/events/{world.draft_event.id}").status_code == 404
    assert client.get(f"/api/v1/events/{world.hidden_event.id}").status_code == 404
    assert data(client.get("/api/v1/events?category=market")) == []
    assert [e["id"] for e in data(client.get(f"/api/v1/events?association={world.association.id}"))] == \
        [world.event.id]


def test_every_response_matches_the_document(client, world):
    document = openapi(client)
    ids = {"proposals": world.proposal.id, "comments": world.comment.id, "villages": world.village.id,
           "associations": world.association.id, "consultations": world.consultation.id,
           "budgets": world.closed_budget.id, "meetings": world.meeting.id, "events": world.event.id}
    for path in document["paths"]:
        concrete = path.replace("{id}", str(ids.get(path.split("/")[3], 1)))
        check_against_document(document, path, client.get(concrete))
        check_against_document(document, path, client.get(concrete, headers={"Accept": "image/png"}))


def test_document_describes_every_api_route(app, client):
    document = openapi(client)
    routes = {rule.rule.replace("<", "{").replace(">", "}") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/")}
    routes = {re.sub(r"\{\w+\}", "{id}", r) for r in routes}
    assert routes == set(document["paths"])
    assert document["openapi"] == "3.1.0"


def test_downloads(client, world):
    csv_response = client.get("/api/v1/exports/proposals.csv")
    assert csv_response.status_code == 200
    assert csv_response.mimetype == "text/csv"
    assert csv_response.data.startswith("\ufeff".encode())
    text = csv_response.data.decode("utf-8-sig")
    assert "Laituri uimarannalle" in text and "Kyläasiain neuvottelukunta § 1 (under_review)" in text
    assert "attachment" in csv_response.headers["Content-Disposition"]
    proposals = client.get("/api/v1/exports/proposals.json?state=withdrawn").get_json()
    assert [p["id"] for p in proposals] == [world.withdrawn_proposal.id]
    comments = client.get("/api/v1/exports/comments.csv").data.decode("utf-8-sig")
    assert "Hyvä aloite!" in comments and "Kiitos tuesta." in comments
    assert len(client.get("/api/v1/exports/comments.json").get_json()) == 2
    assert client.get("/api/v1/exports/comments.csv?colour=red").status_code == 400


def test_csv_cells_never_start_a_formula(client, app, make_user, world):
    from app.comments.models import Comment
    from app.extensions import db

    db.session.add(Comment(proposal_id=world.proposal.id, author=make_user(), body="=HYPERLINK(\"x\")"))
    db.session.commit()
    text = client.get("/api/v1/exports/comments.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_human_page(app, world, language):
    client = app.test_client()
    client.set_cookie("lang", language)
    response = client.get("/api")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'lang="{language}"' in page
    assert "/api/v1/openapi.json" in page and "/api/v1/proposals" in page and "/api/v1/exports/proposals.csv" in page
    assert 'href="/api"' in client.get("/").get_data(as_text=True)  # the footer links it on every page


def test_no_licence_is_claimed_until_the_municipality_sets_one(app, world):
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert "has not yet set a licence" in client.get("/api").get_data(as_text=True)
    assert "license" not in client.get("/api/v1/openapi.json").get_json()["info"]
    app.config.update(OPEN_DATA_LICENCE="CC BY 4.0", OPEN_DATA_LICENCE_URL="https://creativecommons.org/licenses/by/4.0/")
    page = client.get("/api").get_data(as_text=True)
    assert "under the licence CC BY 4.0" in page and 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert client.get("/api/v1/openapi.json").get_json()["info"]["license"] == {
        "name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


@pytest.fixture
def add_many_proposals(app, world, make_user):
    """`n` more public proposals (each with a visible comment if asked) in the world's consultation."""
    from app.comments.models import Comment
    from app.extensions import db
    from app.proposals.models import Proposal

    def add(n: int, comments: bool = False):
        author = make_user()
        for number in range(n):
            proposal = Proposal(consultation_id=world.consultation.id, author=author, title=f"Aloite {number}",
                                body="Teksti.")
            db.session.add(proposal)
            if comments:
                db.session.flush()
                db.session.add(Comment(proposal_id=proposal.id, author=author, body=f"Kommentti {number}"))
        db.session.commit()

    return add
