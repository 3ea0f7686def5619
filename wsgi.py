"""WSGI entry point: `gunicorn wsgi:app` (FLASK_CONFIG=production in production)."""
from app import create_app

app = create_app()
