"""Consultations: participatory processes that move through phases."""
from flask import Blueprint

bp = Blueprint("consultations", __name__)

from app.consultations import routes  # noqa: E402,F401
