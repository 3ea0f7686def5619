"""Meetings of bodies, their agendas, statements, minutes and decisions, and the decision trail."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)

from app.meetings import decisions, routes  # noqa: E402,F401
