"""gunicorn settings for Kyläraati: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_BIND, ...), so the
systemd unit's EnvironmentFile is the one place a site changes them.
"""
import multiprocessing
import os

# Unix socket that nginx proxies to (the socket's directory is created by systemd: RuntimeDirectory).
bind = os.environ.get("GUNICORN_BIND", "unix:/run/kylaraati/gunicorn.sock")
if bind.startswith("unix:"):
    # gunicornc's control socket (gunicorn 25+) beside it, not in $HOME, which the service may not write.
    control_socket = os.path.join(os.path.dirname(bind.removeprefix("unix:")), "gunicorn.ctl")

# The usual rule of thumb for synchronous workers: two per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# Renew workers now and then so a slow leak never grows without bound; the jitter keeps them from
# all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100

# A request that takes longer than this is killed (the worker restarts); nginx waits a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Load the app once in the master and fork: faster starts, shared memory, and an import error stops the
# service at once instead of in every worker. Database connections are opened lazily in the workers.
preload_app = True

# Logs go to the journal (stdout/stderr under systemd).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's real address comes from nginx's X-Real-IP (the socket's peer is nginx itself);
# %(D)s is the time taken in microseconds.
access_log_format = '%({x-real-ip}i)s - %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# Trust X-Forwarded-* only from nginx on this host; the app's ProxyFix (PROXY_COUNT=1) does the rest.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "kylaraati"


def post_fork(server, worker):
    """Give each forked worker its own database connections: none may be shared with the master."""
    import wsgi
    from app.extensions import db

    with wsgi.app.app_context():
        db.engine.dispose(close=False)
