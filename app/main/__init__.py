"""Front page, language choice, accessibility statement and privacy notice."""
from flask import Blueprint

bp = Blueprint("main", __name__)
