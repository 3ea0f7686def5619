"""Comments on proposals and agenda items (one level of replies), and reports of comments and proposals."""
from flask import Blueprint

bp = Blueprint("comments", __name__)

from app.comments import routes  # noqa: E402,F401
