"""Villages and associations directory, representation requests."""
from flask import Blueprint

bp = Blueprint("directory", __name__)
