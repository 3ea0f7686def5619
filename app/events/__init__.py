"""The shared events calendar: associations' events, co-organisers, volunteer tasks and iCalendar feeds."""
from flask import Blueprint

bp = Blueprint("events", __name__)

from app.events import models, routes  # noqa: E402,F401  (models registered with the metadata)
