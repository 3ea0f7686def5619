"""My account: profile, my data, erasure."""
from flask import Blueprint

bp = Blueprint("account", __name__)
