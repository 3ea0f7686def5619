"""No private data leaves through the API or the downloads: every endpoint, every object, every filter."""
import re

import pytest

from tests.api_helpers import (  # noqa: F401
    make_body,
    make_budget,
    make_consultation,
    make_meeting,
    world,
)

ID_ARGUMENT = re.compile(r"<(\w+:)?(\w+)>")


def every_api_url(app, world) -> list[str]:
    """Every GET URL of the API and its downloads: each id route with the id of every object of its kind
    (hidden and inactive ones too), each list and download unfiltered and filtered by every private object."""
    objects = {
        "villages": [world.village.id],
        "associations": [world.association.id, world.inactive_association.id],
        "consultations": [world.consultation.id],
        "proposals": [world.proposal.id, world.hidden_proposal.id, world.withdrawn_proposal.id],
        "comments": [world.comment.id, world.hidden_comment.id, world.reply.id, world.comment_on_hidden.id],
        "budgets": [world.closed_budget.id, world.open_budget.id],
        "meetings": [world.meeting.id],
        "events": [world.event.id, world.draft_event.id, world.hidden_event.id],
    }
    filters = [f"proposal={world.hidden_proposal.id}", f"agenda_item={world.item.id}",
               f"association={world.inactive_association.id}", "q=Piilotettu", "state=submitted"]
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api") or "GET" not in rule.methods:
            continue
        if rule.arguments:
            kind = rule.rule.split("/")[3]
            urls += [ID_ARGUMENT.sub(str(i), rule.rule) for i in objects[kind]]
        else:
            urls.append(rule.rule)
            urls += [f"{rule.rule}?{f}" for f in filters]
    return urls


def test_no_private_data_in_any_answer(app, client, world):
    app.config["API_RATE_LIMIT"] = "100000/minute"
    secrets = world.secrets()
    assert any("@example.fi" in s for s in secrets) and any(s.startswith("$argon2") for s in secrets)
    urls = every_api_url(app, world)
    assert len(urls) > 40
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        body = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, f"{url} leaks {secret!r}"
        assert "hidden_reason" not in body and "email\"" not in body.replace("contact_email\"", ""), url
        if url.startswith("/api/v1/"):  # the HTML page /api has the site's forms (language switch) and their session
            assert "Set-Cookie" not in response.headers, url


@pytest.mark.parametrize("url", ["/api/v1/comments?proposal={hidden}", "/api/v1/exports/comments.json?proposal={hidden}"])
def test_comments_of_a_hidden_proposal_are_not_given(client, world, url):
    response = client.get(url.format(hidden=world.hidden_proposal.id))
    body = response.get_json()
    assert (body["data"] if isinstance(body, dict) else body) == []
