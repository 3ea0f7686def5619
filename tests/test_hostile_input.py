"""Hostile query strings on every page, enumerated from the app's URL map: SQL-injection strings, markup,
control characters and absurd numbers in every filter, search, sort and paging parameter the pages read.
No page answers with a server error, and no page reflects the markup unescaped."""
import re

import pytest

from tests.test_csrf import UNCLASSIFIED, _pattern, _templates
from tests.test_permissions import objects  # noqa: F401  (the fixture)

# Every query parameter a page or the API reads (request.args and GET filter forms).
PARAMETERS = ("q", "village", "association", "category", "state", "consultation", "body", "outcome", "sort",
              "page", "month", "kind", "status", "voter", "round", "comments", "next", "lang", "limit", "cursor",
              "user", "action", "proposal", "agenda_item", "rule", "format", "code", "from", "to", "year")
MARKUP = '<script>alert("kr")</script>'
PAYLOADS = ("' OR '1'='1' --", MARKUP, "%00\x00\r\n", "9" * 40, "ä" * 600)
SKIP = {"/static/<path:filename>"}


def _get_routes(app) -> list[str]:
    templates = _templates()
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule in SKIP:
            continue
        template = UNCLASSIFIED.get(rule.rule) or templates.get(_pattern(rule.rule))
        if "<any(" in rule.rule:
            first = re.search(r"<any\(([^)]*)\):\w+>", rule.rule).group(1).split(",")[0].strip()
            template = templates.get(_pattern(re.sub(r"<any\([^)]*\):\w+>", first, rule.rule)))
        if template is None and "<" not in rule.rule:
            template = rule.rule
        if template is None and "<token>" in rule.rule:
            template = re.sub(r"<token>", "not-a-token", rule.rule)
        assert template is not None, f"no way to fill {rule.rule}: add it to tests/test_permissions.py ROUTES"
        paths.append(template)
    return sorted(set(paths))


@pytest.mark.parametrize("role", [None, "coordinator"])
def test_no_page_fails_or_reflects_markup_on_hostile_query_strings(app, login_as, objects, role):  # noqa: F811
    client, _user = login_as(role)
    failures = []
    for template in _get_routes(app):
        path = template.format(**objects) if "{" in template else template
        for payload in PAYLOADS:
            try:
                response = client.get(path, query_string={name: payload for name in PARAMETERS})
            except Exception as error:  # the test app propagates what production answers with a 500
                failures.append(f"{path} with {payload[:30]!r}: {type(error).__name__}: {str(error)[:80]}")
                continue
            if response.status_code >= 500:
                failures.append(f"{path} with {payload[:30]!r}: {response.status_code}")
            elif response.mimetype == "text/html" and MARKUP in response.get_data(as_text=True):
                failures.append(f"{path} reflects the markup unescaped")
    assert not failures, "\n".join(failures)
