"""Whole-page cache for visitors who are not signed in.

Most of the site's readers are not signed in, and for them a page is the same for everyone who asks for the same
address in the same language. Rendering one costs tens of milliseconds of SQLAlchemy and Jinja work (see the
README's "Performance and reliability"); serving it from the cache costs one Redis round trip and no SQL.

What is cached: the HTML of GET and HEAD requests answered 200 to a visitor with no signed-in user, no "remember
me" cookie and no pending messages, when the page neither set a cookie, nor changed the session, nor flashed a
message, nor said Cache-Control private or no-store. Never the API, static files or /healthz.

What differs per visitor is put back on every hit:
- the CSRF token: the stored HTML holds a marker where the token was, and each hit puts in the token of the
  current visitor's own session, so the language choice and login forms on a cached page keep working;
- the random order of proposals: a page that used the visitor's seed (app.proposals.visitor) is stored once per
  seed, and a visitor without a seed gets one on the hit as they would have from the page itself;
- the response headers every answer gets (security headers) are added by the after-request functions as usual.

Freshness: a stored page carries the content version it was rendered at, and only a page of the current version
is served. Every database commit which wrote anything increases the version (an engine hook notes INSERT, UPDATE
and DELETE statements, the session's after-commit hook bumps the version). A request reads the version before it
reads the database and stores its page with that version, so a page rendered while a write was committing is
never served as of the newer version. Each address has one entry, overwritten by the next render, so the store
holds at most one page per address, language and seed however often the data changes. What changes with time
alone (a phase opening at its set hour) shows within PAGE_CACHE_TTL seconds, when the entry expires.

Storage: Redis (REDIS_URL) shared by every worker and instance; "memory" is a per-process store for a single
worker and the tests. When Redis is unreachable the cache steps aside and pages are rendered as usual.
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, has_app_context, message_flashed, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event

CSRF_MARKER = b"\x00kr-csrf\x00"  # a NUL never reaches a page from stored text: forms refuse control characters
SEED_MARKER = "seed"
CSRF_FIELD = "csrf_token"
SEED_KEY = "proposal_order_seed"  # app.proposals.visitor keeps the visitor's seed here
SKIPPED_BLUEPRINTS = {"api", "ops"}
MAX_QUERY_LENGTH = 512  # longer query strings are not worth a cache entry (nor an attacker's way to fill it)
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Entry:
    """A stored page: the content version it was rendered at, its status, headers and body; or only a note that
    the page is stored once per visitor seed."""

    version: int
    status: int = 200
    headers: list | None = None
    body: bytes = b""
    vary_seed: bool = False

    def dumps(self) -> bytes:
        head = json.dumps({"n": self.version, "s": self.status, "h": self.headers or [], "v": self.vary_seed})
        return head.encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes | None, version: int) -> Entry | None:
        """The entry in `raw` if it was rendered at `version`, else None (an older page is not served)."""
        if raw is None:
            return None
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        if meta["n"] != version:
            return None
        return cls(meta["n"], status=meta["s"], headers=meta["h"], body=body, vary_seed=meta["v"])


class MemoryStore:
    """One process's store: for a single worker (development, tests). Bounded, oldest out first."""

    def __init__(self, max_entries: int = 2000):
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._version = 0
        self._lock = threading.Lock()
        self._max = max_entries

    def lookup(self, key: str, seeded: str | None = None) -> tuple[int, bytes | None, bytes | None]:
        """The current version, what is stored for `key`, and for `seeded` if given."""
        return self._version, self.get(key), self.get(seeded) if seeded else None

    def bump(self) -> None:
        with self._lock:
            self._version += 1

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self._entries[key]
                return None
            return value

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


class RedisStore:
    """Pages in Redis, shared by every worker and app server; entries expire by themselves."""

    VERSION_KEY = "kr:page:version"
    PREFIX = "kr:page:"

    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def lookup(self, key: str, seeded: str | None = None) -> tuple[int, bytes | None, bytes | None]:
        """The current version, what is stored for `key`, and for `seeded` if given: one round trip."""
        keys = [self.VERSION_KEY, self.PREFIX + key] + ([self.PREFIX + seeded] if seeded else [])
        current, raw, *rest = self._redis.mget(keys)
        return int(current or 0), raw, rest[0] if rest else None

    def bump(self) -> None:
        self._redis.incr(self.VERSION_KEY)

    def get(self, key: str) -> bytes | None:
        return self._redis.get(self.PREFIX + key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self._redis.set(self.PREFIX + key, value, ex=ttl)


class PageCache:
    """The cache of one app: where pages are stored and for how long."""

    RETRY_AFTER = 10  # seconds the cache steps aside after a store failure, so no request waits on a dead Redis

    def __init__(self, app: Flask, store, ttl: int):
        self.app = app
        self.store = store
        self.ttl = ttl
        self._failed_at = 0.0

    def guarded(self, action, default=None):
        """Run a store call; if the store fails (Redis down), log it and step aside for RETRY_AFTER seconds.
        Pages stored before the failure are at most PAGE_CACHE_TTL old when it comes back."""
        if self._failed_at and time.monotonic() - self._failed_at < self.RETRY_AFTER:
            return default
        try:
            return action()
        except Exception:  # noqa: BLE001 - any store failure only means "not cached"
            self._failed_at = time.monotonic()
            self.app.logger.warning("The page cache is unavailable; pages are rendered without it for %d s",
                                    self.RETRY_AFTER, exc_info=True)
            return default


def store_for(app: Flask):
    """The store the configuration asks for, or None when the cache is off."""
    mode = (app.config.get("PAGE_CACHE") or "auto").lower()
    if mode == "auto":
        mode = "redis" if app.config.get("REDIS_URL") else "off"
    if mode == "redis":
        if not app.config.get("REDIS_URL"):
            raise RuntimeError("PAGE_CACHE=redis needs REDIS_URL")
        return RedisStore(app.config["REDIS_URL"])
    if mode == "memory":
        return MemoryStore()
    if mode == "off":
        return None
    raise RuntimeError(f"PAGE_CACHE must be auto, redis, memory or off, not {mode!r}")


def init_app(app: Flask) -> None:
    """Switch the cache on for `app` if configured: its request hooks and the database write hooks."""
    store = store_for(app)
    if store is None:
        return
    cache = PageCache(app, store, int(app.config.get("PAGE_CACHE_TTL", 60)))
    app.extensions["page_cache"] = cache
    app.before_request(_serve_from_cache)
    app.after_request(_store_page)
    _watch_writes(app)


def vary_on_seed(seed: int) -> None:
    """Note that this page depends on the visitor's random-order seed (called by app.proposals.visitor)."""
    g.page_cache_seed = seed


# --- serving and storing -------------------------------------------------------------------------------------

def _cache() -> PageCache | None:
    return current_app.extensions.get("page_cache")


def _visitor_key() -> str | None:
    """The cache key of this request without the version, or None if the request must not be cached."""
    if request.method not in ("GET", "HEAD") or request.endpoint in (None, "static"):
        return None
    if request.blueprint in SKIPPED_BLUEPRINTS or len(request.query_string) > MAX_QUERY_LENGTH:
        return None
    if "_user_id" in session or "_flashes" in session:
        return None
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return None  # Flask-Login would sign this visitor in from the cookie
    from app.i18n import cookie_locale

    query = request.query_string.decode("latin-1")
    return f"{request.scheme}://{request.host}|{cookie_locale()}|{request.path}?{query}"


# What a page may change in the session and still be cached: the CSRF token and the seed (put back on each hit),
# and Flask-Login's note that a visitor's session is not a fresh login (it writes it on a visitor's second page).
SESSION_KEYS_PUT_BACK = (CSRF_FIELD, SEED_KEY, "_fresh")


def _seeded(key: str, seed: int) -> str:
    """The key of a page stored once per random-order seed."""
    return f"{key}|{SEED_MARKER}={seed}"


def _session_state() -> dict:
    """What a page may not change in the session if it is to be cached."""
    return {key: value for key, value in session.items() if key not in SESSION_KEYS_PUT_BACK}


def _serve_from_cache():
    cache = _cache()
    key = _visitor_key()
    if key is None:
        return None
    seed = session.get(SEED_KEY)  # a returning visitor's seed: their page of a random order comes in the same trip
    seeded = _seeded(key, seed) if isinstance(seed, int) else None
    found = cache.guarded(lambda: cache.store.lookup(key, seeded))
    if found is None:
        return None
    version, raw, raw_seeded = found
    entry = Entry.loads(raw, version)
    if entry is not None and entry.vary_seed:
        from app.proposals.visitor import visitor_seed

        wanted = _seeded(key, visitor_seed())
        if wanted != seeded:  # a new visitor, just given a seed
            raw_seeded = cache.guarded(lambda: cache.store.get(wanted))
        entry = Entry.loads(raw_seeded, version)
    if entry is None:
        # Rendered below; stored under the version read before the page reads the database, so a page rendered
        # while a write was being committed is never served as of the newer version.
        g.page_cache_key, g.page_cache_version = key, version
        g.page_cache_session = _session_state()
        return None
    body = entry.body
    if CSRF_MARKER in body:
        body = body.replace(CSRF_MARKER, generate_csrf().encode())
    response = Response(body, status=entry.status, headers=entry.headers)
    response.headers["X-Page-Cache"] = "hit"
    g.page_cache_hit = True
    return response


def _cacheable(response: Response) -> bool:
    if response.status_code != 200 or response.mimetype != "text/html" or response.is_streamed:
        return False
    if g.get("page_cache_skip") or "Set-Cookie" in response.headers:
        return False
    control = response.headers.get("Cache-Control", "")
    if "no-store" in control or "private" in control:
        return False
    return _session_state() == g.page_cache_session


def _store_page(response: Response) -> Response:
    key = g.get("page_cache_key")
    if key is None or g.get("page_cache_hit") or not _cacheable(response):
        return response
    cache = _cache()
    body = response.get_data()
    token = g.get(CSRF_FIELD)
    if token:
        body = body.replace(token.encode(), CSRF_MARKER)
    headers = [(name, value) for name, value in response.headers.items()
               if name not in ("Set-Cookie", "Content-Length", "Vary", "X-Page-Cache")]
    version = g.page_cache_version
    entry = Entry(version, response.status_code, headers, body)
    seed = g.get("page_cache_seed")
    if seed is not None:
        cache.guarded(lambda: cache.store.set(key, Entry(version, vary_seed=True).dumps(), cache.ttl))
        key = _seeded(key, seed)
    cache.guarded(lambda: cache.store.set(key, entry.dumps(), cache.ttl))
    response.headers["X-Page-Cache"] = "miss"
    return response


@message_flashed.connect
def _no_cache_when_flashing(_app, **_extra) -> None:
    """A page showing a message flashed in the same request is that visitor's alone."""
    g.page_cache_skip = True


# --- the content version -------------------------------------------------------------------------------------

_writes = threading.local()  # a write seen on this thread's database connection since its last commit


def _watch_writes(app: Flask) -> None:
    """Note every INSERT/UPDATE/DELETE on the app's engine; bump the version when the session commits them."""
    from app.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "after_cursor_execute")
    def _note_write(_conn, _cursor, statement, _parameters, _context, _executemany):
        if statement.lstrip()[:6].upper() in WRITE_VERBS:
            _writes.pending = True

    _listen_to_sessions()


_listening = False


def _listen_to_sessions() -> None:
    """The session hooks, once per process (the session class is shared by every app of the process)."""
    global _listening
    if _listening:
        return
    from flask_sqlalchemy.session import Session

    @event.listens_for(Session, "after_commit")
    def _bump_after_commit(_session):
        if not getattr(_writes, "pending", False):
            return
        _writes.pending = False
        cache = current_app.extensions.get("page_cache") if has_app_context() else None
        if cache is not None:
            cache.guarded(cache.store.bump)

    @event.listens_for(Session, "after_rollback")
    def _forget_rolled_back(_session):
        _writes.pending = False

    _listening = True
