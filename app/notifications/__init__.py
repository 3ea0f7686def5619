"""The notification centre: in-app notifications, their preferences and the email outbox."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
