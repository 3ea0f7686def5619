"""Proposals: submitting, supporting, endorsing, following, and the board's answers."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)

from app.proposals import data, routes  # noqa: E402,F401  (data registers the 'my data' sections)
