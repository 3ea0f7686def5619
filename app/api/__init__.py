"""The open-data read API (/api/v1/), its OpenAPI document, the /api page and the downloads."""
from flask import Blueprint

bp = Blueprint("api", __name__)
