"""The floor for bench/pages.py: the least a Flask page can cost, one Jinja template with a title and a paragraph.

Served by gunicorn with the app's own settings (bench/floor_gunicorn.conf.py), so the difference between a
Kyläraati page and this one is what the page itself does: its queries, its templates, its session.
"""
from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).with_name("floor_templates")))


@app.route("/")
def floor():
    """One template, no database, no session."""
    return render_template("floor.html", title="Kyläraati", text="Iitin kylien yhteinen osallistumisalusta.")
