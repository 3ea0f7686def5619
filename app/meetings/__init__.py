"""Meetings of bodies, their agendas, statements, minutes and decisions, and the decision trail."""
from flask import Blueprint

bp = Blueprint("meetings", __name__)
