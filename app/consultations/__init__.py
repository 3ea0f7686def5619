"""Consultations: participatory processes that move through phases."""
from flask import Blueprint

bp = Blueprint("consultations", __name__)
