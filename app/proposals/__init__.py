"""Proposals: submitting, supporting, endorsing, following, and the board's answers."""
from flask import Blueprint

bp = Blueprint("proposals", __name__)
