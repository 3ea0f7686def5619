"""The OpenAPI 3.1 document, built from the same schemas and parameter lists the views use."""
from dataclasses import dataclass

from flask import render_template, request, url_for

from app.api import bp, routes, schemas
from app.api.core import api_route, json_response
from app.api.exports import CSV
from app.api.params import limit_schema, read_filters


@dataclass(frozen=True)
class Operation:
    path: str
    operation_id: str
    summary: str
    kind: str  # "list", "item", "download", "document"
    schema: str = ""  # a component name
    filters: tuple = ()
    media: str = "application/json"


OPERATIONS = [
    Operation("/api/v1/villages", "listVillages", "Villages", "list", "Village", routes.VILLAGE_FILTERS),
    Operation("/api/v1/villages/{id}", "getVillage", "A village", "item", "Village"),
    Operation("/api/v1/associations", "listAssociations", "Active associations", "list", "Association",
              routes.ASSOCIATION_FILTERS),
    Operation("/api/v1/associations/{id}", "getAssociation", "An active association", "item", "Association"),
    Operation("/api/v1/consultations", "listConsultations", "Consultations", "list", "Consultation",
              routes.CONSULTATION_FILTERS),
    Operation("/api/v1/consultations/{id}", "getConsultation", "A consultation", "item", "Consultation"),
    Operation("/api/v1/proposals", "listProposals", "Public proposals", "list", "Proposal", routes.PROPOSAL_FILTERS),
    Operation("/api/v1/proposals/{id}", "getProposal", "A public proposal", "item", "Proposal"),
    Operation("/api/v1/comments", "listComments", "Visible comments", "list", "Comment", routes.COMMENT_FILTERS),
    Operation("/api/v1/comments/{id}", "getComment", "A visible comment", "item", "Comment"),
    Operation("/api/v1/budgets", "listBudgets", "Participatory budgets", "list", "Budget", routes.BUDGET_FILTERS),
    Operation("/api/v1/budgets/{id}", "getBudget", "A participatory budget", "item", "Budget"),
    Operation("/api/v1/budgets/{id}/results", "getBudgetResults",
              "A budget's results with each project's explanation (404 until voting has closed)", "item",
              "BudgetResults", routes.RESULT_OPTIONS),
    Operation("/api/v1/meetings", "listMeetings", "Meetings with agenda items and decisions", "list", "Meeting",
              routes.MEETING_FILTERS),
    Operation("/api/v1/meetings/{id}", "getMeeting", "A meeting", "item", "Meeting"),
    Operation("/api/v1/events", "listEvents", "Published and cancelled events", "list", "Event", routes.EVENT_FILTERS),
    Operation("/api/v1/events/{id}", "getEvent", "A public event", "item", "Event"),
    Operation("/api/v1/exports/proposals.csv", "exportProposalsCsv", "Public proposals as CSV (UTF-8 with BOM)",
              "download", "", routes.PROPOSAL_FILTERS, CSV),
    Operation("/api/v1/exports/proposals.json", "exportProposalsJson", "Public proposals as one JSON array",
              "download", "Proposal", routes.PROPOSAL_FILTERS),
    Operation("/api/v1/exports/comments.csv", "exportCommentsCsv", "Visible comments as CSV (UTF-8 with BOM)",
              "download", "", routes.COMMENT_FILTERS, CSV),
    Operation("/api/v1/exports/comments.json", "exportCommentsJson", "Visible comments as one JSON array",
              "download", "Comment", routes.COMMENT_FILTERS),
    Operation("/api/v1/exports/meetings.csv", "exportMeetingsCsv", "Meetings as CSV (UTF-8 with BOM)", "download",
              "", routes.MEETING_FILTERS, CSV),
    Operation("/api/v1/exports/decisions.csv", "exportDecisionsCsv",
              "Agenda items and their decisions as CSV (UTF-8 with BOM)", "download", "", routes.MEETING_FILTERS, CSV),
    Operation("/api/v1/openapi.json", "getOpenApi", "This document", "document"),
]

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem(description: str) -> dict:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def _parameters(op: Operation) -> list[dict]:
    parameters = []
    if op.kind == "item":
        parameters.append({"name": "id", "in": "path", "required": True,
                           "schema": {"type": "integer", "minimum": 1}})
    for p in op.filters:
        parameters.append({"name": p.name, "in": "query", "required": False, "description": p.description,
                           "schema": p.schema()})
    if op.kind == "list":
        parameters.append({"name": "limit", "in": "query", "required": False, "description": "items per page",
                           "schema": limit_schema()})
        parameters.append({"name": "cursor", "in": "query", "required": False,
                           "description": "next_cursor of the previous page, as it is", "schema": {"type": "string"}})
    return parameters


def _success(op: Operation) -> dict:
    ref = {"$ref": f"#/components/schemas/{op.schema}"} if op.schema else None
    if op.kind == "list":
        schema = {"$ref": f"#/components/schemas/{op.schema}Page"}
    elif op.kind == "download" and op.media == CSV:
        schema = {"type": "string"}
    elif op.kind == "download":
        schema = {"type": "array", "items": ref}
    elif op.kind == "document":
        schema = {"type": "object", "description": "OpenAPI 3.1"}
    else:
        schema = ref
    headers = {}
    if op.kind in ("list", "item", "document"):
        headers = {"ETag": {"schema": {"type": "string"}, "description": "send it back in If-None-Match"},
                   "Last-Modified": {"schema": {"type": "string"},
                                     "description": "newest stored change among the items (information only)"}}
    return {"description": "OK", "headers": headers, "content": {op.media: {"schema": schema}}}


def document() -> dict:
    """The whole OpenAPI document for this server."""
    paths = {}
    for op in OPERATIONS:
        responses = {
            "200": _success(op),
            "406": _problem("the Accept header excludes the media type of this resource"),
            "429": {**_problem("too many requests from this address"),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}},
        }
        if op.kind in ("list", "item", "document"):
            responses["304"] = {"description": "Not Modified: If-None-Match matched the ETag"}
        responses["400"] = _problem("an unknown, repeated or malformed query parameter, or a bad cursor or limit")
        if op.kind == "item":
            responses["404"] = _problem("no such resource, or it is not public")
        paths[op.path] = {"get": {"operationId": op.operation_id, "summary": op.summary,
                                  "parameters": _parameters(op), "responses": responses}}
    components = dict(schemas.RESOURCE_SCHEMAS)
    for op in OPERATIONS:
        if op.kind == "list":
            components[f"{op.schema}Page"] = schemas.page_schema(f"#/components/schemas/{op.schema}")
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "Kyläraati open data API", "version": "1.0.0",
                 "description": "Public participation data of Iitti: read-only, no key needed. "
                                "Lists are in id order and paginate with an opaque cursor. "
                                "Errors are RFC 9457 problem documents.",
                 **_licence()},
        "servers": [{"url": request.host_url.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": components},
    }


@api_route("/api/v1/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of the API."""
    read_filters(request.args, (), paginated=False)
    return json_response(document())


@bp.route("/api")
def index():
    """The human page: what the API offers, in the visitor's language, with examples."""
    return render_template("api/index.html", operations=OPERATIONS,
                           openapi_url=url_for("api.openapi_json", _external=True),
                           base=request.host_url.rstrip("/"))


def _licence() -> dict:
    """The data's licence as the municipality has set it (OPEN_DATA_LICENCE, OPEN_DATA_LICENCE_URL), or none."""
    from flask import current_app

    name = current_app.config.get("OPEN_DATA_LICENCE")
    if not name:
        return {}
    licence = {"name": name}
    if current_app.config.get("OPEN_DATA_LICENCE_URL"):
        licence["url"] = current_app.config["OPEN_DATA_LICENCE_URL"]
    return {"license": licence}
