"""CSRF on every state-changing route, enumerated from the app's URL map (a new POST route is covered the day
it is added): a POST without the token is refused with 400 and changes nothing in the database."""
import re


from tests.conftest import snapshot
from tests.test_permissions import ROUTES, objects  # noqa: F401  (objects: the fixture)

# Routes that take a POST without the session's CSRF token, and why that is safe.
EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail programs POST without a session; the signed per-person token in
    # the path is what authorises it, and it can only turn emails off.
    "/notifications/unsubscribe/<token>",
}


# Routes the permission matrix leaves out (open to anyone by design), with a value for their argument.
UNCLASSIFIED = {"/language/<code>": "/language/en", "/password/reset/<token>": "/password/reset/not-a-token"}


def _pattern(path: str) -> str:
    return re.sub(r"<[^>]+>", "X", re.sub(r"\{\w+\}", "X", path))


def _templates() -> dict[str, str]:
    """The permission matrix's URL template for each route pattern (its placeholders name fixture objects)."""
    return {_pattern(url): url for _method, url, _roles in ROUTES}


def _post_routes(app) -> list[str]:
    """Every URL rule that accepts POST, with <any(a, b):x> rules expanded to each variant."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule in EXEMPT:
            continue
        variants = re.search(r"<any\(([^)]*)\):\w+>", rule.rule)
        if variants:
            rules += [re.sub(r"<any\([^)]*\):\w+>", v.strip(), rule.rule) for v in variants.group(1).split(",")]
        else:
            rules.append(rule.rule)
    return sorted(rules)


def test_every_post_route_refuses_a_request_without_the_csrf_token(app, login_as, objects):  # noqa: F811
    templates = _templates()
    client, _user = login_as("coordinator")  # the most powerful role: CSRF must stop even what it may do
    before = snapshot()
    checked = []
    for rule in _post_routes(app):
        template = UNCLASSIFIED.get(rule) or templates.get(_pattern(rule))
        assert template is not None, f"{rule} is not in tests/test_permissions.py ROUTES"
        path = template.format(**objects) if "{" in template else rule
        response = client.post(path, data={"reason": "x", "body": "x", "title": "x", "role": "coordinator"})
        assert response.status_code == 400, f"POST {path} without a CSRF token answered {response.status_code}"
        checked.append(path)
    assert snapshot() == before, "a POST without a CSRF token changed the database"
    assert len(checked) > 80  # every state-changing route of the app (93 today), not a handful
    # And a visitor's POST is refused the same way (the login and registration forms among them).
    visitor = app.test_client()
    for path in ("/login", "/register", "/password/forgot", "/accessibility", "/language/en"):
        assert visitor.post(path, data={"email": "a@b.fi", "password": "x"}).status_code == 400, path
    assert snapshot() == before
