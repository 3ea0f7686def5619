"""Configuration classes: development (default), testing and production.

Every setting can come from the environment; the README lists them all.
"""
import os
from datetime import timedelta


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    # SECRET_KEY: from the environment, or generated once into instance/ (see app.secrets).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)

    # Rate limits: shared by all workers through Redis when REDIS_URL is set.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI")
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5/minute")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")  # open-data API requests per address
    # The open data's licence, as the municipality decides it (e.g. "CC BY 4.0"); unset: none is claimed.
    OPEN_DATA_LICENCE = os.environ.get("OPEN_DATA_LICENCE")
    OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL")
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600))
    # argon2id parameters (unset: t=3, 64 MiB, p=4). A sign-in costs one hash, the most CPU of a vote day; OWASP's
    # minimum t=2, 19456 KiB, p=1 costs about an eighth. Stored hashes are renewed at the next sign-in.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", 0)) or None
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", 0)) or None  # KiB
    ARGON2_PARALLELISM = int(os.environ.get("ARGON2_PARALLELISM", 0)) or None
    # Comments per account (against spam); accounts younger than NEW_ACCOUNT_HOURS get the tighter one.
    COMMENT_LIMIT = os.environ.get("COMMENT_LIMIT", "30/hour")
    COMMENT_LIMIT_NEW_ACCOUNT = os.environ.get("COMMENT_LIMIT_NEW_ACCOUNT", "5/hour")
    NEW_ACCOUNT_HOURS = int(os.environ.get("NEW_ACCOUNT_HOURS", 24))

    # Mail: printed to the log unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kyläraati <kylaraati@iitti.fi>")
    # Where accessibility feedback goes in addition to every coordinator.
    FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL")

    # Absolute links in emails when no request is around (CLI, timers).
    SERVER_NAME = os.environ.get("SERVER_NAME")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    SECURE_HEADERS_HSTS = False
    PAGE_SIZE = 20
    # Whole pages for visitors who are not signed in (app/pagecache.py): auto = in Redis when REDIS_URL is set,
    # else off; redis; memory (one process only: development with a single worker); off.
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "auto")
    # How long a cached page may show what changes with time alone (a phase opening at its hour), in seconds.
    PAGE_CACHE_TTL = int(os.environ.get("PAGE_CACHE_TTL", "60"))

    # How many reverse proxies (nginx: 1) stand in front of the app and set X-Forwarded-For/-Proto/-Host.
    # 0 trusts no such header; set it exactly, or clients can forge their address past the login limits.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # Where `flask backup` writes (default: instance/backups).
    BACKUP_DIR = os.environ.get("BACKUP_DIR")
    # Production refuses to start without a SECRET_KEY of its own (see create_app).
    REQUIRE_SECRET_KEY = False


class DevelopmentConfig(Config):
    """Local development: SQLite in instance/, mail to the console."""

    DEBUG = False


class TestingConfig(Config):
    """The test suite: CSRF stays on (tests fetch tokens), fast password hashing."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite://"
    LOGIN_FAILURE_LIMIT = "5/minute"
    RATELIMIT_STORAGE_URI = "memory://"
    PAGE_CACHE = "off"  # tests/test_pagecache.py switches it on
    MAIL_SERVER = None
    SERVER_NAME = None
    # Cheap argon2 parameters so the suite stays fast; production uses the defaults.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    """Production behind HTTPS: secure cookies, HSTS, PostgreSQL via DATABASE_URL."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    SECURE_HEADERS_HSTS = True
    REQUIRE_SECRET_KEY = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
