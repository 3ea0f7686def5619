"""What every API response shares: rate limit, content negotiation, CORS, JSON with an ETag, pagination."""
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Response, current_app, request, url_for

from app.api import bp
from app.api.pagination import (
    Cursor,
    InvalidCursor,
    InvalidLimit,
    decode_cursor,
    encode_cursor,
    parse_limit,
)
from app.api.problems import (
    ApiProblem,
    add_cors_headers,
    is_api_request,
    problem_response,
)
from app.auth.throttle import Throttle
from app.extensions import db

JSON = "application/json"
THROTTLE_NAMESPACE = "api"
DEFAULT_RATE_LIMIT = "600/minute"

# What a download answers with; every other API endpoint answers JSON.
MEDIA_TYPES: dict[str, str] = {}


def media_type(media: str):
    """Declare the media type a view answers with (checked against the request's Accept)."""
    def register(view):
        MEDIA_TYPES[f"{bp.name}.{view.__name__}"] = media
        return view
    return register


def _throttle() -> Throttle:
    """The per-address limiter of the API, made on first use (storage and limit from the configuration)."""
    throttle = current_app.extensions.get("api_throttle")
    if throttle is None:
        storage = current_app.config.get("RATELIMIT_STORAGE_URI") or current_app.config.get("REDIS_URL") or "memory://"
        limit = current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT
        throttle = Throttle(storage, limit)
        current_app.extensions["api_throttle"] = throttle
    return throttle


@bp.before_request
def guard():
    """Count the request against its address and refuse a media type the endpoint cannot give."""
    if not is_api_request():
        return None
    address = request.remote_addr or "unknown"
    throttle = _throttle()
    refused = throttle.check(THROTTLE_NAMESPACE, address)
    if refused is not None:
        return problem_response(429, f"Too many requests from this address: try again in {refused.retry_after} s.",
                                {"Retry-After": str(refused.retry_after)}, retry_after=refused.retry_after)
    throttle.fail(THROTTLE_NAMESPACE, address)  # counts requests, not failures
    if request.method == "OPTIONS" or "Accept" not in request.headers:
        return None
    media = MEDIA_TYPES.get(request.endpoint or "", JSON)
    if request.accept_mimetypes.best_match([media]) is None:
        return problem_response(406, f"This resource is available as {media} only.")
    return None


@bp.after_request
def cors(response: Response) -> Response:
    """GET from any origin; the API never needs cookies, so none are allowed."""
    if is_api_request():
        add_cors_headers(response)
        response.headers.setdefault("Cache-Control", "public, no-cache")
        response.vary.add("Accept")
    return response


@bp.errorhandler(ApiProblem)
def api_problem(error: ApiProblem):
    return problem_response(error.status, error.detail, **error.extra)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None else None


def json_response(payload, last_modified: datetime | None = None) -> Response:
    """JSON with a strong ETag of its bytes; 304 when the client's If-None-Match matches.

    Last-Modified is the newest stored change among the items, for information: supports, hiding and the
    phase of a consultation change a representation without a newer timestamp, so only the ETag is
    used to answer 304 (If-Modified-Since alone gets the full answer, never a stale 304).
    """
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    response = Response(body, mimetype=JSON)
    response.add_etag()
    response.make_conditional(request)  # before Last-Modified is set: only the ETag decides
    # make_conditional adds a Date header, and so does the server (werkzeug, gunicorn): keep one.
    response.headers.pop("Date", None)
    if last_modified is not None:
        response.last_modified = _aware(last_modified)
    return response


def cursor_secret() -> str:
    return current_app.config["SECRET_KEY"]


def read_page_args(resource: str) -> tuple[int, int | None]:
    """The page size and the id after which the page starts (None: the first page)."""
    try:
        limit = parse_limit(request.args.get("limit"))
    except InvalidLimit:
        raise ApiProblem(400, "'limit' must be a whole number from 1 to 100.", parameter="limit") from None
    token = request.args.get("cursor")
    if token is None or token == "":
        return limit, None
    try:
        cursor = decode_cursor(cursor_secret(), resource, token)
    except InvalidCursor:
        raise ApiProblem(400, "'cursor' is not a cursor of this list: use the next_cursor of a page as it is.",
                         parameter="cursor") from None
    return limit, cursor.key[0]


def keyset_page(resource: str, query: sa.Select, id_column, serialise: Callable[[Sequence], list[dict]],
                changed: Callable[[object], datetime | None]) -> Response:
    """One page of `query` in id order, serialised, with the next page's cursor and link."""
    limit, after = read_page_args(resource)
    query = query.order_by(None).order_by(id_column)
    if after is not None:
        query = query.where(id_column > after)
    rows = list(db.session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(cursor_secret(), Cursor(resource, (rows[-1].id,))) if more and rows else None
    next_url = None
    if next_cursor:
        args = request.args.to_dict()
        args["cursor"] = next_cursor
        next_url = url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
    moments = [m for m in (changed(r) for r in rows) if m is not None]
    response = json_response({"data": serialise(rows), "next_cursor": next_cursor, "next": next_url},
                             max(moments) if moments else None)
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return response


def api_route(rule: str):
    """A GET route of the API; '//' in a path is not found (never redirected, which clients would not expect)."""
    return bp.route(rule, merge_slashes=False)
