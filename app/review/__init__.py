"""The board review: answer deadlines, escalation and the board members' dashboard."""
from flask import Blueprint

bp = Blueprint("review", __name__)
