"""gunicorn settings for the floor app of bench/pages.py: deploy/gunicorn.conf.py's, without its database hook.

The deploy file's post_fork imports the Kyläraati app to give each worker its own database connections; the
floor has no database, so that hook is replaced by one that does nothing. Every other setting is the same.
"""
from pathlib import Path

DEPLOY_CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"
exec(compile(DEPLOY_CONFIG.read_text(), str(DEPLOY_CONFIG), "exec"))  # noqa: S102  (our own deploy file)
proc_name = "kylaraati-floor"


def post_fork(server, worker):
    """Nothing to reset: the floor app has no database connections."""
