"""The whole-page cache for visitors who are not signed in (app/pagecache.py).

The rest of the suite runs with the cache off (TestingConfig); here the `app` fixture is overridden with one
that has it on, in process memory, and in Redis when a Redis server answers.
"""
import os
import re

import pytest
import sqlalchemy as sa

from app import create_app, pagecache
from app.comments.models import Comment
from app.extensions import db
from tests.conftest import CSRF_RE, PASSWORD, _test_config, count_queries, login, running_app
from tests.proposal_helpers import add_proposal, english, make_consultation, text  # noqa: F401

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping())
    except redis.RedisError:
        return False


def _cached_config(database_url, **settings) -> type:
    return type("CachedConfig", (_test_config(database_url),), {"PAGE_CACHE": "memory", **settings})


def _cached_app(database_url, **settings):
    return create_app(_cached_config(database_url, **settings))


@pytest.fixture(params=["memory", "redis"])
def app(database_url, request):
    """The app with the page cache on: in memory, and in Redis (a database of its own, flushed) if one runs."""
    settings = {"PAGE_CACHE": request.param}
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip("no Redis server at " + REDIS_URL)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        settings["REDIS_URL"] = REDIS_URL
    with running_app(_cached_config(database_url, **settings)) as app:
        yield app


def cache_state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def token_of(response) -> str:
    return CSRF_RE.search(response.get_data(as_text=True)).group(1)


def test_a_visitors_second_request_is_served_from_the_cache_without_sql(client):
    first = client.get("/")
    assert first.status_code == 200 and cache_state(first) == "miss"
    with count_queries() as statements:
        second = client.get("/")
    assert cache_state(second) == "hit" and statements == []
    assert second.get_data() == first.get_data()  # the same visitor: the same CSRF token too
    assert second.headers["Content-Security-Policy"] and second.headers["X-Frame-Options"] == "DENY"


def test_each_visitor_gets_a_token_of_their_own_session_and_it_works(app):
    first, second = app.test_client(), app.test_client()
    page_of_first = first.get("/privacy")
    page_of_second = second.get("/privacy")
    assert cache_state(page_of_second) == "hit"
    assert token_of(page_of_first) != token_of(page_of_second)
    assert token_of(page_of_first) not in page_of_second.get_data(as_text=True)
    assert pagecache.CSRF_MARKER.decode() not in page_of_second.get_data(as_text=True)
    # The language form of the cached page works for its reader; the other visitor's token does not.
    refused = second.post("/language/en", data={"csrf_token": token_of(page_of_first), "next": "/privacy"})
    assert refused.status_code == 400
    switched = second.post("/language/en", data={"csrf_token": token_of(page_of_second), "next": "/privacy"})
    assert switched.status_code == 302 and "lang=en" in switched.headers["Set-Cookie"]


def test_languages_are_cached_apart(app):
    finnish, english_client = app.test_client(), app.test_client()
    english_client.set_cookie("lang", "en")
    assert 'lang="fi"' in text(finnish.get("/privacy"))
    page = english_client.get("/privacy")
    assert cache_state(page) == "miss" and 'lang="en"' in text(page)
    assert cache_state(english_client.get("/privacy")) == "hit"


def test_a_commit_that_wrote_anything_makes_every_page_fresh(client, add_proposal):
    proposal = add_proposal(title="Kirjaston kesäkahvila")
    url = f"/proposals/{proposal.id}"
    client.get(url)
    assert cache_state(client.get(url)) == "hit"
    db.session.add(Comment(proposal=proposal, author=proposal.author, body="Kannatan, hyvä ajatus!"))
    db.session.commit()
    fresh = client.get(url)
    assert cache_state(fresh) == "miss" and "Kannatan, hyvä ajatus!" in text(fresh)
    assert cache_state(client.get("/")) == "miss"  # the version is global: every page


def test_a_write_that_was_rolled_back_changes_nothing(client, add_proposal):
    proposal = add_proposal()
    client.get("/proposals")
    db.session.execute(sa.update(type(proposal)).where(type(proposal).id == proposal.id).values(title="Muu"))
    db.session.rollback()
    assert cache_state(client.get("/proposals")) == "hit"


def test_signed_in_people_never_get_or_make_cached_pages(app, make_user):
    visitor, member = app.test_client(), app.test_client()
    user = make_user("resident", name="Maija Meikäläinen")
    login(member, user.email)
    visitor.get("/privacy")
    page = member.get("/privacy")
    assert cache_state(page) is None and "Maija Meikäläinen" in text(page)
    assert cache_state(member.get("/privacy")) is None
    assert cache_state(visitor.get("/privacy")) == "hit" and "Maija Meikäläinen" not in text(visitor.get("/privacy"))


def test_a_remember_me_cookie_skips_the_cache(client):
    client.get("/privacy")
    client.set_cookie("remember_token", "1|whatever")
    assert cache_state(client.get("/privacy")) is None


def test_a_page_showing_a_message_is_neither_served_from_nor_stored_in_the_cache(client):
    client.get("/accessibility")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Kiitos palautteestasi")]
    page = client.get("/accessibility")
    assert cache_state(page) is None and "Kiitos palautteestasi" in text(page)
    later = client.get("/accessibility")
    assert cache_state(later) == "hit" and "Kiitos palautteestasi" not in text(later)


def test_a_message_flashed_and_shown_in_the_same_request_is_not_stored(app, client):
    from flask import flash, render_template

    calls = []

    @app.route("/flash-here")
    def flash_here():
        if not calls:  # only the first reader gets the message
            flash("Vain sinulle")
        calls.append(1)
        return render_template("main/privacy.html")

    first = client.get("/flash-here")
    assert cache_state(first) is None and "Vain sinulle" in text(first)
    second = client.get("/flash-here")
    assert cache_state(second) == "miss" and "Vain sinulle" not in text(second)
    assert cache_state(client.get("/flash-here")) == "hit"


def test_the_random_order_is_cached_per_seed_and_a_new_visitor_gets_a_seed(app, english, add_proposal,
                                                                             make_consultation):
    consultation = make_consultation()
    for n in range(12):
        add_proposal(title=f"Ehdotus {n:02d}", consultation=consultation)
    orders = {}
    for seed in (3, 41):
        for _ in range(2):
            client, _user = english(None)
            with client.session_transaction() as session:
                session[pagecache.SEED_KEY] = seed
            page = client.get("/proposals")
            orders.setdefault(seed, []).append((cache_state(page), re.findall(r"Ehdotus \d\d", text(page))))
    assert [state for state, _ in orders[3]] == ["miss", "hit"] and orders[3][0][1] == orders[3][1][1]
    assert [state for state, _ in orders[41]] == ["miss", "hit"] and orders[41][0][1] == orders[41][1][1]
    assert orders[3][0][1] != orders[41][0][1]
    newcomer, _user = english(None)
    page = newcomer.get("/proposals")  # the base entry says "per seed": the newcomer is given one on the hit
    with newcomer.session_transaction() as session:
        seed = session[pagecache.SEED_KEY]
    assert 0 <= seed < 64
    if seed in orders:
        assert cache_state(page) == "hit" and re.findall(r"Ehdotus \d\d", text(page)) == orders[seed][0][1]


@pytest.mark.parametrize("path", ["/api/v1/proposals", "/healthz", "/no-such-page", "/proposals.atom"])
def test_what_is_not_a_public_html_page_is_not_cached(client, path):
    client.get(path)
    assert cache_state(client.get(path)) is None


def test_pages_that_set_a_cookie_or_say_no_store_are_not_cached(app, client):
    @app.route("/cookie-page")
    def cookie_page():
        from flask import make_response

        response = make_response("<p>hei</p>")
        response.set_cookie("seen", "1")
        return response

    @app.route("/private-page")
    def private_page():
        return "<p>hei</p>", 200, {"Cache-Control": "private"}

    for path in ("/cookie-page", "/private-page"):
        client.get(path)
        assert cache_state(client.get(path)) is None


def test_a_very_long_query_string_is_not_cached(client):
    path = "/proposals?q=" + "a" * 600
    client.get(path)
    assert cache_state(client.get(path)) is None


def test_head_is_answered_from_the_page_get_stored(client):
    client.get("/privacy")
    head = client.head("/privacy")
    assert head.status_code == 200 and cache_state(head) == "hit" and head.get_data() == b""


def test_memory_entries_expire_after_the_ttl(monkeypatch):
    store = pagecache.MemoryStore()
    now = [1000.0]
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now[0])
    store.set("k", b"v", ttl=60)
    now[0] += 59
    assert store.get("k") == b"v"
    now[0] += 2
    assert store.get("k") is None


def test_the_memory_store_is_bounded():
    store = pagecache.MemoryStore(max_entries=3)
    for n in range(5):
        store.set(str(n), b"x", ttl=60)
    assert [store.get(str(n)) for n in range(5)] == [None, None, b"x", b"x", b"x"]


def test_when_redis_is_down_pages_are_rendered_as_usual(database_url, caplog):
    app = _cached_app(database_url, PAGE_CACHE="redis", REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        try:
            client = app.test_client()
            for _ in range(3):
                page = client.get("/privacy")
                assert page.status_code == 200 and cache_state(page) is None
            # Tried once, then left alone for a while: no request waits on a dead Redis.
            assert caplog.text.count("page cache is unavailable") == 1
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("mode, expected", [("off", None), ("memory", pagecache.MemoryStore),
                                            ("auto", None)])
def test_the_setting_chooses_the_store(database_url, mode, expected):
    app = _cached_app(database_url, PAGE_CACHE=mode, REDIS_URL=None)
    cache = app.extensions.get("page_cache")
    assert (cache is None) if expected is None else isinstance(cache.store, expected)


def test_auto_uses_redis_when_it_is_configured_and_a_wrong_value_is_refused(database_url):
    app = _cached_app(database_url, PAGE_CACHE="auto", REDIS_URL="redis://127.0.0.1:6379/13")
    assert isinstance(app.extensions["page_cache"].store, pagecache.RedisStore)
    with pytest.raises(RuntimeError, match="PAGE_CACHE must be"):
        _cached_app(database_url, PAGE_CACHE="sometimes")


def test_a_write_on_another_app_server_makes_this_ones_pages_fresh(app, client):
    """Every worker and instance reads the version from the shared store, not from what it saw last."""
    if not isinstance(app.extensions["page_cache"].store, pagecache.RedisStore):
        pytest.skip("only a shared store is shared")
    import redis

    client.get("/privacy")
    assert cache_state(client.get("/privacy")) == "hit"
    redis.Redis.from_url(REDIS_URL).incr(pagecache.RedisStore.VERSION_KEY)  # another server's commit
    assert cache_state(client.get("/privacy")) == "miss"
    assert cache_state(client.get("/privacy")) == "hit"


def test_an_address_holds_one_entry_however_often_the_data_changes(app, client):
    store = app.extensions["page_cache"].store
    for _ in range(5):
        client.get("/privacy")
        store.bump()
    if isinstance(store, pagecache.MemoryStore):
        assert len(store._entries) == 1
    else:
        import redis

        assert len(redis.Redis.from_url(REDIS_URL).keys(pagecache.RedisStore.PREFIX + "http*")) == 1


def test_signing_in_from_a_cached_login_page_works_and_then_nothing_is_cached(app, make_user):
    user = make_user("resident", name="Maija Meikäläinen")
    app.test_client().get("/login")  # another visitor's visit stores the page
    client = app.test_client()
    page = client.get("/login")
    assert cache_state(page) == "hit"
    signed_in = client.post("/login", data={"csrf_token": token_of(page), "email": user.email,
                                            "password": PASSWORD})
    assert signed_in.status_code == 302
    front = client.get("/")
    assert cache_state(front) is None and "Maija Meikäläinen" in text(front)
