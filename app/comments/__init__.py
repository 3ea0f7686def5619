"""Comments on proposals and agenda items (one level of replies), and reports of comments and proposals."""
from flask import Blueprint

bp = Blueprint("comments", __name__)
