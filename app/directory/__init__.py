"""Villages and associations directory, representation requests."""
from flask import Blueprint

bp = Blueprint("directory", __name__)

from app.directory import routes  # noqa: E402,F401
