"""Coordinator tools: representation requests, directory editing, roles, audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
