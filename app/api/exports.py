"""Downloads of whole lists (the list's filters, no pages): CSV for spreadsheets and JSON, from the same schemas."""
import csv
import io
import json

from flask import Response, request

from app.api import data, schemas
from app.api.core import api_route, media_type
from app.api.params import read_filters
from app.api.routes import COMMENT_FILTERS, MEETING_FILTERS, PROPOSAL_FILTERS
from app.comments.models import Comment
from app.extensions import db
from app.meetings.models import Meeting
from app.proposals.models import Proposal

CSV = "text/csv"
JSON = "application/json"
EXPORT_LIMIT = 50_000  # far beyond a municipality's proposals; keeps one download from exhausting memory

# Spreadsheet columns: header, then the path into the serialised dict.
PROPOSAL_COLUMNS = [
    ("id", ("id",)), ("consultation_id", ("consultation_id",)), ("title", ("title",)), ("state", ("state",)),
    ("category", ("category",)), ("village_id", ("village_id",)), ("association_id", ("association_id",)),
    ("author", ("author", "display_name")), ("estimated_cost", ("estimated_cost",)), ("location", ("location",)),
    ("supports", ("supports",)), ("endorsements", ("endorsements",)), ("comments", ("comments",)),
    ("answer", ("answer", "text")), ("answered_at", ("answer", "answered_at")),
    ("decisions", ("decisions",)), ("created_at", ("created_at",)), ("updated_at", ("updated_at",)),
    ("url", ("url",)), ("body", ("body",)),
]
COMMENT_COLUMNS = [
    ("id", ("id",)), ("proposal_id", ("proposal_id",)), ("agenda_item_id", ("agenda_item_id",)),
    ("parent_id", ("parent_id",)), ("author", ("author", "display_name")), ("stance", ("stance",)),
    ("created_at", ("created_at",)), ("edited_at", ("edited_at",)), ("url", ("url",)), ("body", ("body",)),
]

MEETING_COLUMNS = [
    ("id", ("id",)), ("body", ("body", "name")), ("title", ("title",)), ("starts_at", ("starts_at",)),
    ("ends_at", ("ends_at",)), ("place", ("place",)), ("status", ("status",)), ("approved_at", ("approved_at",)),
    ("items", ("item_count",)), ("url", ("url",)), ("minutes_url", ("minutes_url",)),
]
DECISION_COLUMNS = [
    ("meeting_id", ("meeting_id",)), ("body", ("body",)), ("meeting_starts_at", ("meeting_starts_at",)),
    ("meeting_status", ("meeting_status",)), ("agenda_item_id", ("id",)), ("section", ("section",)),
    ("title", ("title",)), ("outcome", ("outcome",)), ("decided_at", ("decided_at",)),
    ("proposal_ids", ("proposal_ids",)), ("budget_ids", ("budget_ids",)), ("comment_ids", ("comment_ids",)),
    ("decision", ("decision",)), ("minutes_url", ("minutes_url",)),
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A cell's text; text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, int) for v in value):  # ids: "3 17"
        value = " ".join(str(v) for v in value)
    elif isinstance(value, list):  # decision links: "Body § 12 (accepted); …"
        value = "; ".join(f"{d['body']} § {d['section']} ({d['to_state']})" for d in value)
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _dig(item: dict, path: tuple):
    for key in path:
        if item is None:
            return None
        item = item.get(key)
    return item


def to_csv(items: list[dict], columns) -> str:
    """The items as CSV in UTF-8 with a byte-order mark, so Excel reads the letters right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _path in columns])
    for item in items:
        writer.writerow([_cell(_dig(item, path)) for _header, path in columns])
    return out.getvalue()


def download(text: str, media: str, filename: str) -> Response:
    response = Response(text.encode("utf-8"), content_type=f"{media}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _proposals() -> list[dict]:
    filters = read_filters(request.args, PROPOSAL_FILTERS, paginated=False)
    rows = list(db.session.scalars(data.public_proposals_query(filters).order_by(None).order_by(Proposal.id)
                                   .limit(EXPORT_LIMIT)))
    return data.serialise_proposals(rows)


def _comments() -> list[dict]:
    filters = read_filters(request.args, COMMENT_FILTERS, paginated=False)
    rows = db.session.scalars(data.public_comments_query(filters).order_by(Comment.id).limit(EXPORT_LIMIT))
    return [schemas.comment(c) for c in rows]


@api_route("/api/v1/exports/proposals.csv")
@media_type(CSV)
def proposals_csv():
    """Every public proposal (with the list's filters) as CSV."""
    return download(to_csv(_proposals(), PROPOSAL_COLUMNS), CSV, "kylaraati-proposals.csv")


@api_route("/api/v1/exports/proposals.json")
@media_type(JSON)
def proposals_json():
    """Every public proposal (with the list's filters) as one JSON array."""
    return download(json.dumps(_proposals(), ensure_ascii=False, indent=1), JSON, "kylaraati-proposals.json")


@api_route("/api/v1/exports/comments.csv")
@media_type(CSV)
def comments_csv():
    """Every visible comment (with the list's filters) as CSV."""
    return download(to_csv(_comments(), COMMENT_COLUMNS), CSV, "kylaraati-comments.csv")


@api_route("/api/v1/exports/comments.json")
@media_type(JSON)
def comments_json():
    """Every visible comment (with the list's filters) as one JSON array."""
    return download(json.dumps(_comments(), ensure_ascii=False, indent=1), JSON, "kylaraati-comments.json")


def _meetings() -> list[dict]:
    filters = read_filters(request.args, MEETING_FILTERS, paginated=False)
    rows = list(db.session.scalars(data.meetings_query(filters).order_by(Meeting.id).limit(EXPORT_LIMIT)))
    return data.serialise_meetings(rows)


@api_route("/api/v1/exports/meetings.csv")
@media_type(CSV)
def meetings_csv():
    """Every meeting (of one body or status if asked) as CSV, one row a meeting."""
    rows = [{**m, "item_count": len(m["items"])} for m in _meetings()]
    return download(to_csv(rows, MEETING_COLUMNS), CSV, "kylaraati-meetings.csv")


@api_route("/api/v1/exports/decisions.csv")
@media_type(CSV)
def decisions_csv():
    """Every agenda item with its decision as CSV, one row an item."""
    rows = [{**item, "meeting_id": m["id"], "body": m["body"]["name"], "meeting_starts_at": m["starts_at"],
             "meeting_status": m["status"], "minutes_url": f"{m['minutes_url']}#item-{item['section']}"}
            for m in _meetings() for item in m["items"]]
    return download(to_csv(rows, DECISION_COLUMNS), CSV, "kylaraati-decisions.csv")
