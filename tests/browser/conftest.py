"""Browser fixtures: the app served on a real port, and headless Chromium driven by Playwright.

Every test here is skipped when /usr/bin/chromium (Debian's package) is missing; Playwright's
own browser downloads are never used. The server runs in a thread against the same test
database as the `app` fixture, which empties the tables after each test.
"""
import importlib.util
import os
import re
import threading
import traceback
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import _test_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000  # generous for a loaded CI runner; a passing step takes milliseconds


def _missing_requirement() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "browser tests need the playwright package (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    """Skip every browser test, with the reason, when Chromium or Playwright is missing."""
    reason = _missing_requirement()
    if reason:
        pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class _ErrorRecorder:
    """WSGI middleware keeping the exceptions the app raised, so a test cannot pass over a 500."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.errors: list[BaseException] = []

    def __call__(self, environ, start_response):
        try:
            return self.wsgi_app(environ, start_response)
        except Exception as error:
            self.errors.append(error)
            raise


def _quiet_static_handler():
    from werkzeug.serving import WSGIRequestHandler

    class QuietStaticHandler(WSGIRequestHandler):
        """Logs page requests (shown when a test fails), not the stylesheet and icon fetches."""

        def log_request(self, code="-", size="-"):
            if not self.path.startswith("/static/"):
                super().log_request(code, size)

    return QuietStaticHandler


@pytest.fixture
def live_app(app, database_url):
    """The application instance the live server runs (its own instance, same database).

    Depends on `app`, so the test has an app context for setting up data, and the tables
    are emptied only after the server has stopped.
    """
    served = create_app(_test_config(database_url))
    served.extensions["mail_outbox"] = []
    return served


@pytest.fixture
def live_server(live_app):
    """The base URL of the app served by a real HTTP server in a background thread."""
    from werkzeug.serving import make_server

    from app.extensions import db

    recorder = _ErrorRecorder(live_app.wsgi_app)
    live_app.wsgi_app = recorder
    server = make_server("127.0.0.1", 0, live_app, threaded=True, request_handler=_quiet_static_handler())
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with live_app.app_context():
            db.engine.dispose()  # release connections before the tables are emptied
    if recorder.errors:
        details = "".join(traceback.format_exception(recorder.errors[0]))
        pytest.fail(f"the live server raised {len(recorder.errors)} exception(s); the first:\n{details}",
                    pytrace=False)


@pytest.fixture(scope="session")
def browser(_require_chromium):
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server, request):
    """A factory of pages, each in a fresh browser context (own cookies: another person).

    `lang` sets the language cookie ("en" for tests that match English text); `width` sets the
    viewport width. On failure every page is saved as a screenshot into test-artifacts/.
    """
    contexts = []

    def make(lang: str | None = None, width: int = 1280, height: int = 900):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height},
                                      locale="fi-FI", timezone_id="Europe/Helsinki")
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        if lang:
            context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
        contexts.append(context)
        return context.new_page()

    yield make

    call = getattr(request.node, "rep_call", None)
    failed = call is not None and call.failed
    for number, context in enumerate(contexts):
        if failed:
            save_screenshots(context, f"{request.node.name}-context{number}")
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context, with no language cookie (Finnish)."""
    return new_page()


@pytest.fixture
def page_en(new_page):
    """A page in a fresh browser context that has chosen English."""
    return new_page(lang="en")


def save_screenshots(context, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    for number, page in enumerate(context.pages):
        try:
            page.screenshot(path=str(ARTIFACTS / f"{safe}-page{number}.png"), full_page=True)
        except Exception:  # a screenshot is a debugging aid; never hide the real failure
            pass


@pytest.fixture
def sign_in():
    """Sign a page in through the login form (the page's context must have chosen English;
    after signing in, pages are in the person's own language)."""
    from playwright.sync_api import expect

    def sign_in(page, email: str, password: str) -> None:
        page.goto("/login")
        main = page.get_by_role("main")
        main.get_by_label("Email address").fill(email)
        main.get_by_label("Password", exact=True).fill(password)
        main.get_by_role("button", name="Sign in").click()
        expect(page.locator("form[action='/logout']"), f"{email} could not sign in").to_have_count(1)

    return sign_in
