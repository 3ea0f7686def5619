"""Operations: the health check (`/healthz`) and `flask backup` / `flask restore`."""
from flask import Blueprint

bp = Blueprint("ops", __name__)
