"""`/healthz` for the load balancer and monitoring: is this app server able to reach its database?"""
import sqlalchemy as sa
from flask import current_app, jsonify

from app.extensions import db
from app.ops import bp


@bp.route("/healthz", methods=["GET"])
def healthz():
    """200 when the database answers a trivial query, else 503 naming the problem (never a stack trace)."""
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 (whatever fails, the answer is "not healthy")
        # The cause goes to the log, never into the response.
        db.session.rollback()
        current_app.logger.error("health check: the database did not answer: %s", error)
        body = {"status": "error", "database": "error",
                "problem": f"the database did not answer ({type(error).__name__})"}
        status = 503
    else:
        body = {"status": "ok", "database": "ok"}
        status = 200
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
