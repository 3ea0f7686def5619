"""Kyläraati: the participation platform of Iitti and its village associations."""
import logging
import os
import secrets
from importlib import import_module
from pathlib import Path

from flask import Flask, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from app import pagecache
from app.config import CONFIGS
from app.extensions import babel, csrf, db, login_manager, migrate


def create_app(config: str | type | None = None) -> Flask:
    """Build the application; `config` is a name in CONFIGS, a class, or FLASK_CONFIG."""
    app = Flask(__name__, instance_relative_config=True)
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("FLASK_CONFIG", "development")]
    app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("REQUIRE_SECRET_KEY"):
        _check_secret_key(app.config.get("SECRET_KEY"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "kylaraati.db")
    _normalise_database_url(app)

    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # development emails are printed at INFO
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_context(app)
    pagecache.init_app(app)  # after the other request hooks, so a cached page passes the same checks first
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: the client's address (login limits), scheme (secure links) and host from its headers.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


# Keys that appear in examples and tests: a production site signing with one of them has no secret.
KNOWN_SECRET_KEYS = {"test-secret-key", "change-me", "changeme", "secret", "dev", "development",
                     "replace-with-a-long-random-string"}


def _check_secret_key(key: str | None) -> None:
    """Refuse to start production without SECRET_KEY, with a published one, or with a short one."""
    if not key:
        raise RuntimeError("SECRET_KEY is not set: production needs its own key, e.g. "
                           "`python3 -c 'import secrets; print(secrets.token_hex(32))'` into /etc/kylaraati/env")
    if key in KNOWN_SECRET_KEYS or len(key) < 32:
        raise RuntimeError("SECRET_KEY is a published example value or shorter than 32 characters: "
                           "set a long random one (python3 -c 'import secrets; print(secrets.token_hex(32))')")


def _instance_secret_key(app: Flask) -> str:
    """A key generated once into instance/secret_key, so sessions survive restarts."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _normalise_database_url(app: Flask) -> None:
    """postgres:// and postgresql:// URLs use psycopg 3; SQLite waits instead of failing when busy."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri[len(prefix):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif uri.startswith("postgresql"):
        # An unreachable server fails a request (and /healthz) in seconds, well within gunicorn's timeout.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.setdefault("connect_args", {"connect_timeout": 10})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def register_extensions(app: Flask) -> None:
    from app.auth.passwords import PasswordHashing
    from app.auth.throttle import Throttle
    from app.i18n import select_locale

    db.init_app(app)

    @app.teardown_appcontext  # registered after Flask-SQLAlchemy's, so it runs first
    def release_dead_connection(_error):
        """End the request's transaction; if the database dropped the connection meanwhile (a restart), close
        the session so the pool discards it, instead of failing in Flask-SQLAlchemy's teardown, outside every
        error handler, with a bare 500 after the page was already rendered."""
        if not db.session.registry.has():  # the request never used the database (a cached page)
            return
        try:
            db.session.rollback()
        except OperationalError:
            app.logger.warning("The database connection was lost at the end of a request; it is replaced")
            db.session.close()
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.refresh_view = "auth.reauthenticate"
    login_manager.session_protection = "basic"

    storage = app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"
    app.extensions["throttle"] = Throttle(storage, app.config["LOGIN_FAILURE_LIMIT"])
    app.extensions["comment_throttles"] = {
        "new": Throttle(storage, app.config["COMMENT_LIMIT_NEW_ACCOUNT"]),
        "established": Throttle(storage, app.config["COMMENT_LIMIT"]),
    }
    app.extensions["password_hashing"] = PasswordHashing(
        app.config.get("ARGON2_TIME_COST"), app.config.get("ARGON2_MEMORY_COST"), app.config.get("ARGON2_PARALLELISM")
    )

    from app import models  # noqa: F401  (every model registered with the metadata)
    from app.auth.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        """Load the user only if the session's version is still the current one."""
        try:
            raw_id, raw_version = user_id.split(":")
            user = db.session.get(User, int(raw_id))
            version = int(raw_version)
        except (ValueError, TypeError):
            return None
        if user is None or not user.is_active or user.session_version != version:
            return None
        return user

    if app.config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite"):
        _enable_sqlite_pragmas(app)


def _enable_sqlite_pragmas(app: Flask) -> None:
    """Foreign keys on, WAL for concurrent readers (recommended for SQLite in production)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in str(engine.url) and engine.url.database:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()


# One blueprint per feature: (package, its view modules, URL prefix). A package's __init__ only defines `bp`;
# the view modules attach their routes to it when they are imported here. So importing a pure module
# (app.proposals.states, app.budgets.tally, ...) never drags in the web layer or an import cycle.
BLUEPRINTS = (
    ("main", ("routes",), None),
    ("auth", ("routes",), None),
    ("account", ("routes",), "/account"),
    ("directory", ("routes",), None),
    ("admin", ("routes",), "/admin"),
    ("consultations", ("routes",), None),
    ("proposals", ("data", "routes"), None),  # data registers the "my data" sections
    ("comments", ("routes",), None),
    ("moderation", ("routes",), "/moderation"),
    ("budgets", ("paper", "results", "routes"), None),
    ("meetings", ("decisions", "routes"), None),
    ("notifications", ("routes",), None),
    ("review", ("routes",), None),
    ("ops", ("routes",), None),
    ("events", ("routes",), None),
    ("api", ("core", "exports", "openapi", "routes"), None),
)


def register_blueprints(app: Flask) -> None:
    for package, views, url_prefix in BLUEPRINTS:
        for view in views:
            import_module(f"app.{package}.{view}")
        app.register_blueprint(import_module(f"app.{package}").bp, url_prefix=url_prefix)


def register_errorhandlers(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    messages = {
        400: _l("The request could not be understood."),
        403: _l("You do not have permission to do this."),
        404: _l("The page was not found. It may have been moved, or the address is mistyped."),
        405: _l("This action is not allowed here."),
        413: _l("The data sent was too large."),
        429: _l("Too many attempts. Please wait a moment and try again."),
        500: _l("Something went wrong on our side. Please try again in a moment."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()
        from app.api.problems import is_api_request, problem_for_http_error

        if is_api_request():  # the JSON API answers every error, routing ones too, as problem+json
            return problem_for_http_error(error)
        return render_template("error.html", code=code, message=messages.get(code, messages[500])), code

    for code in messages:
        app.register_error_handler(code, render_error)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        return database_unavailable_response(app, error)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _l("The form had expired or was sent from elsewhere, so nothing was saved. "
                     "Please go back, reload the page and try again.")
        return render_template("error.html", code=400, message=message), 400


def database_unavailable_response(app: Flask, error: Exception):
    """503 "try again" while the database is unreachable, restarting, locked for too long or out of disk.

    Whatever the request was writing is rolled back (one transaction per request), so nothing is half-stored.
    The page is rendered without the site layout: the layout asks the database about the signed-in user,
    which is what just failed.
    """
    from flask_babel import force_locale

    from app.api.problems import is_api_request, problem_response
    from app.i18n import cookie_locale

    app.logger.warning("Database unavailable (%s): %s", request.path, str(error).splitlines()[0])
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it on the next checkout
        app.logger.info("Rollback after a database error failed as well", exc_info=True)
    db.session.remove()
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    if is_api_request():
        return problem_response(503, "The database is briefly unavailable. Try again in a moment.", headers)
    locale = cookie_locale()
    with force_locale(locale):
        body = app.jinja_env.get_template("unavailable.html").render(
            locale=locale, retry_url="/" + request.full_path.rstrip("?").lstrip("/") if request.method == "GET" else None)
    return body, 503, headers


def register_commands(app: Flask) -> None:
    from app.budgets import cli as budgets_cli
    from app.cli import register
    from app.notifications import cli as notifications_cli
    from app.ops import cli as ops_cli
    from app.review import cli as review_cli

    register(app)
    notifications_cli.register(app)
    budgets_cli.register(app)
    review_cli.register(app)
    ops_cli.register(app)


def register_template_context(app: Flask) -> None:
    from flask_babel import get_locale

    from app.auth.permissions import Action, can
    from app.auth.rules import role_names
    from app.directory.forms import ROLE_LABELS, STATUS_LABELS, USER_ROLE_LABELS
    from app.i18n import LANGUAGE_NAMES, register_template_helpers
    from app.markdown import render_markdown
    from app.security import refuse_nul_in_query_string, set_security_headers
    from app.timeutil import today

    register_template_helpers(app)
    app.add_template_filter(render_markdown, "markdown")
    app.after_request(set_security_headers)
    app.before_request(refuse_nul_in_query_string)

    @app.template_global()
    def page_url(number: int) -> str:
        """This page's URL with its query string, on page `number` of a list."""
        args = request.args.to_dict()
        args["page"] = number
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    @app.context_processor
    def inject():
        return {
            "can": can,
            "Action": Action,
            "current_locale": str(get_locale()),
            "language_names": LANGUAGE_NAMES,
            "current_roles": role_names(current_user, today()) if current_user else [],
            "request_path": request.full_path.rstrip("?") if request else "/",
            "mandate_role_labels": ROLE_LABELS,
            "mandate_status_labels": STATUS_LABELS,
            "user_role_labels": USER_ROLE_LABELS,
        }
