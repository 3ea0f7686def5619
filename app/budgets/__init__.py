"""Participatory budgets: setting up, voting online and on paper, results and recounts."""
from flask import Blueprint

from app.budgets.messages import euros

bp = Blueprint("budgets", __name__)
bp.add_app_template_global(euros, "euros")

from app.budgets import paper, results, routes  # noqa: E402,F401
