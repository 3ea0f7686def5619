"""HTTP security headers and safe redirect targets."""
from urllib.parse import urljoin, urlsplit

from flask import current_app, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def set_security_headers(response):
    """Add the headers every response carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SECURE_HEADERS_HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def refuse_nul_in_query_string():
    """A 400 for a query string with a NUL character: no page's filter, search or paging can mean one, and
    PostgreSQL refuses it in text (a database error otherwise). Form fields refuse control characters
    with a message of their own (app.forms.NoControlCharacters), and the API names the parameter in its
    own 400 problem."""
    from flask import abort

    from app.api.problems import is_api_request

    if is_api_request():
        return
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        abort(400)


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    # Backslashes and control characters let browsers reinterpret the host part.
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    host = urlsplit(request.host_url)
    resolved = urlsplit(urljoin(request.host_url, target))
    if resolved.netloc != host.netloc:
        return default
    return target
