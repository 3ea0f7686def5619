"""The shared events calendar: associations' events, co-organisers, volunteer tasks and iCalendar feeds."""
from flask import Blueprint

bp = Blueprint("events", __name__)
