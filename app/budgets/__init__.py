"""Participatory budgets: setting up, voting online and on paper, results and recounts."""
from flask import Blueprint

bp = Blueprint("budgets", __name__)
