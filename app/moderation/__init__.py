"""Moderation: the coordinators' queue of reported comments and proposals."""
from flask import Blueprint

bp = Blueprint("moderation", __name__)
