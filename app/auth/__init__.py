"""Signing in and out, registration, passwords."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
