"""Errors of the API as RFC 9457 problem details (application/problem+json)."""
import json

from flask import Response, request
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/v1/"

# Titles are English on purpose: a problem's title is for the programmer, and stays the same for a status.
TITLES = {
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ApiProblem(Exception):
    """Raised in an API view to answer with a problem document."""

    def __init__(self, status: int, detail: str, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def is_api_request() -> bool:
    """The request is for the JSON API (so errors answer in problem+json, not HTML)."""
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def problem_response(status: int, detail: str, headers: dict | None = None, **extra) -> Response:
    """A problem document with the status's title, the detail and any extension members."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": request.path}
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    add_cors_headers(response)
    return response


def problem_for_http_error(error: HTTPException | Exception) -> Response:
    """A werkzeug HTTP error (routing 404, 405, …) raised under /api/v1/ as a problem document."""
    status = getattr(error, "code", None) or 500
    detail = {
        404: "There is no such resource.",
        405: "The API is read-only: use GET (or HEAD, OPTIONS).",
        500: "Something went wrong on the server.",
    }.get(status, getattr(error, "description", None) or TITLES.get(status, "Error"))
    headers = {}
    if status == 405:
        headers["Allow"] = "GET, HEAD, OPTIONS"
    return problem_response(status, detail, headers)


CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Link, Retry-After",
    "Access-Control-Max-Age": "86400",
}


def add_cors_headers(response: Response) -> Response:
    """Any site may read the public data; no credentials are involved (cookies are never needed)."""
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response
