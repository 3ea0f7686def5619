"""Property: every API endpoint answers any request with a documented status and a body matching its schema."""
from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api_helpers import (  # noqa: F401
    make_body,
    make_budget,
    make_consultation,
    make_meeting,
    world,
)
from tests.test_api import check_against_document, openapi

WEIRD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
NUMBERISH = st.one_of(st.integers(min_value=-10, max_value=10**12).map(str), st.sampled_from(
    ["", "0", "1", "2", "1e3", "０１", "٣", "2147483647", "2147483648", "99999999999999999999", " 1", "1 ", "+1"]))
ACCEPT = st.sampled_from([None, "*/*", "application/json", "application/*", "text/csv", "text/html",
                          "application/problem+json", "image/png;q=0.5, */*;q=0.1", "application/xml", "garbage//"])


def requests(document: dict):
    """(documented path, concrete URL, headers) triples: real and odd parameters, ids and Accept headers."""
    paths = sorted(document["paths"])

    @st.composite
    def build(draw):
        path = draw(st.sampled_from(paths))
        operation = document["paths"][path]["get"]
        names = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        concrete = path
        if "{id}" in path:
            concrete = path.replace("{id}", quote(draw(st.one_of(NUMBERISH, WEIRD_TEXT.filter(bool))), safe=""))
        keys = draw(st.lists(st.one_of(st.sampled_from(names or ["limit"]), st.sampled_from(["page", "sort", "x"]),
                                       WEIRD_TEXT.filter(bool)), max_size=4))
        query = [(k, draw(st.one_of(NUMBERISH, WEIRD_TEXT, st.sampled_from(
            ["accepted", "sports", "village", "proposals", "100", "101", "a\x00b", "sauna:* & !x", "%_\\"]))))
                 for k in keys]
        accept = draw(ACCEPT)
        url = concrete + ("?" + urlencode(query) if query else "")
        return path, url, ({"Accept": accept} if accept else {})

    return build()


def test_every_request_gets_a_documented_answer(app, client, world):
    app.config["API_RATE_LIMIT"] = "1000000/minute"
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as the 500 it would be, not as a test error
    document = openapi(client)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(requests(document))
    def check(case):
        path, url, headers = case
        response = client.get(url, headers=headers)
        assert response.status_code != 500, url
        check_against_document(document, path, response)

    check()


def test_cursors_of_every_list_survive_tampering(app, client, world):
    app.config["API_RATE_LIMIT"] = "1000000/minute"
    document = openapi(client)
    lists = [p for p in document["paths"] if any(q["name"] == "cursor" for q in document["paths"][p]["get"]["parameters"])]

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(lists), st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.",
                                           min_size=1, max_size=120))
    def check(path, cursor):
        response = client.get(f"{path}?cursor={cursor}")
        assert response.status_code == 400
        check_against_document(document, path, response)

    check()
