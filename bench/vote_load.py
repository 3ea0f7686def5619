"""Vote load test: many voters casting budget ballots at once through gunicorn, with faults and two app servers.

Run from the repository root (as root for the fault scenarios; PostgreSQL 15 and Redis as in the README):

    .venv/bin/python bench/vote_load.py --quick                          # smoke run: 200 voters, 40 clients
    .venv/bin/python bench/vote_load.py --db postgresql                  # 2,000 voters, 200 clients, 4 workers
    .venv/bin/python bench/vote_load.py --db sqlite                      # the same on SQLite (WAL, busy timeout)
    .venv/bin/python bench/vote_load.py --db postgresql --instances 2    # two gunicorns, round-robin client
    .venv/bin/python bench/vote_load.py --db postgresql --fault kill-worker
    .venv/bin/python bench/vote_load.py --db postgresql --fault pg-restart   # on a scratch cluster, port 5433
    .venv/bin/python bench/vote_load.py --db sqlite --fault disk-full        # SQLite on a 64 MB tmpfs
    .venv/bin/python bench/vote_load.py --secrecy open                   # open ballots: the second submit changes

What it does:

1. A fresh scratch database (PostgreSQL: the database kr_voteload, dropped and created; SQLite: a file in a
   temporary folder), `flask db upgrade`, then through the app's models and services an open budget in a
   consultation in its voting phase (residents electorate, approval voting, secret ballot by default) and
   --voters bench users. Hashing 2,000 passwords with argon2 takes minutes, so one password is hashed once
   (with the production parameters) and the hash is reused for every bench user.
2. --instances gunicorn servers with deploy/gunicorn.conf.py, FLASK_CONFIG=production behind the proxy model
   (PROXY_COUNT=1): the client sends what nginx sends (Host, X-Forwarded-For/-Proto/-Host), so the Secure
   cookies, CSRF's HTTPS referrer check and the per-address login limits work as in production. Rate limits
   go to Redis (REDIS_URL=redis://127.0.0.1:6379/<--redis-db>, flushed at the start).
3. --clients threads take voters from a queue: GET the login page, POST the login, GET the ballot page, then
   POST two different ballots at the same moment (two threads and a barrier), each with its own copy of the
   session cookie, like two tabs; a success (302) is followed to the receipt page for the receipt code.
   With --instances 2 every request goes to the next server in turn, so a session made on one is used on
   the other. A 503 or a dropped connection is retried after a moment, as a person would.
4. Afterwards, straight from the database: one participation and one ballot per voter, no ballot without
   choices, every receipt the clients were given is stored with exactly the choices they sent, and the
   tally (the budget's rule, app/budgets/tally.py) of the stored ballots equals the tally of the ballots the
   clients believe they cast. Exit code 1 if a criterion fails.

Faults (503 "try again" answers are allowed while they last, 500s never):
  kill-worker  `kill -9` one gunicorn worker a third into the vote; gunicorn starts a new one.
  pg-restart   the vote runs on a scratch PostgreSQL cluster (15/bench on port 5433, created if missing,
               never the main one) which is restarted a third into the vote.
  disk-full    SQLite on a tmpfs mounted at /tmp/kr_voteload_full; a third into the vote the WAL is truncated
               (PRAGMA wal_checkpoint(TRUNCATE); a WAL that already has room lets writes go on on a full disk),
               a filler file fills the disk, stays --hold seconds and is deleted. The tmpfs is unmounted at the end.
"""
from __future__ import annotations

import argparse
import base64
import collections
import copy
import http.client
import itertools
import json
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VENV_BIN = ROOT / ".venv" / "bin"
PASSWORD = "tuohi-lautta-rapu-kesa-2026"
PUBLIC_HOST = "vote.bench.invalid"  # what nginx would pass on as Host / X-Forwarded-Host
MAIN_PG = "127.0.0.1:5432"
SCRATCH_CLUSTER = ("15", "bench", 5433)
DB_NAME = "kr_voteload"
FULL_MOUNT = Path("/tmp/kr_voteload_full")
TRY_AGAIN_TEXT = "Please try again in a moment"
ALREADY_VOTED_TEXT = "This ballot has already been cast"
CLIENT_TIMEOUT = 120  # seconds a client waits for an answer before it gives up and tries again
NGINX_READ_TIMEOUT = 35  # deploy/nginx/kylaraati.conf: proxy_read_timeout
RETRY_LIMIT = 60  # attempts per request; with the pause below, about a minute of outage
RETRY_PAUSE = (0.5, 1.5)
# Projects on the ballot (title, cost in euros) in a 100,000 euro budget: any three fit.
PROJECTS = [("Kylätalon katto", 30000), ("Uimarannan laituri", 18000), ("Latu-ura", 12000),
            ("Leikkipuisto", 25000), ("Bussikatos", 8000), ("Kirjastoauto", 28000), ("Frisbeegolfrata", 15000),
            ("Venevaja", 22000)]
BUDGET_TOTAL = 100000


# --- options -------------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers per instance")
    parser.add_argument("--instances", type=int, choices=(1, 2), default=1)
    parser.add_argument("--fault", choices=("none", "kill-worker", "pg-restart", "disk-full"), default="none")
    parser.add_argument("--secrecy", choices=("secret", "open"), default="secret",
                        help="secret: the second submit must be refused; open: it changes the ballot")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 voters, 40 clients")
    parser.add_argument("--fault-at", type=float, default=0.33, help="share of voters done when the fault hits")
    parser.add_argument("--hold", type=float, default=5.0, help="disk-full: seconds the disk stays full")
    parser.add_argument("--redis-db", type=int, default=5, help="Redis database number (flushed at the start)")
    parser.add_argument("--db-name", default=DB_NAME, help="PostgreSQL scratch database (dropped and created)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, SQLite file)")
    args = parser.parse_args(argv)
    if args.quick:
        args.voters, args.clients = 200, 40
    if args.fault == "disk-full" and args.db != "sqlite":
        parser.error("--fault disk-full fills a scratch SQLite database: use --db sqlite")
    if args.fault == "pg-restart" and args.db != "postgresql":
        parser.error("--fault pg-restart needs --db postgresql")
    return args


# --- infrastructure ------------------------------------------------------------------------------------

def sh(*cmd: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_scratch_cluster() -> None:
    """The scratch cluster 15/bench on port 5433 (created with trust auth on loopback if missing), started."""
    version, name, port = SCRATCH_CLUSTER
    clusters = sh("pg_lsclusters", "-h").stdout
    if not any(line.split()[:2] == [version, name] for line in clusters.splitlines()):
        sh("pg_createcluster", version, name, "--port", str(port), "--",
           "--auth-host=trust", "--auth-local=trust")
    if not any(line.split()[:2] == [version, name] and "online" in line for line in sh("pg_lsclusters", "-h")
               .stdout.splitlines()):
        sh("pg_ctlcluster", version, name, "start")


def fresh_postgres_database(hostport: str, name: str) -> str:
    host, port = hostport.split(":")
    psql = ("psql", "-h", host, "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c")
    if not re.fullmatch(r"kr_voteload\w*", name):
        raise SystemExit("--db-name must start with kr_voteload (the database is dropped)")
    sh(*psql, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    sh(*psql, f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@{hostport}/{name}"


def mount_tmpfs(path: Path, size: str) -> None:
    if os.path.ismount(path):
        sh("umount", str(path))
    path.mkdir(parents=True, exist_ok=True)
    sh("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))


def migrate(env: dict) -> None:
    result = sh(str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade", cwd=ROOT, env=env, check=False)
    if result.returncode:
        raise SystemExit(f"flask db upgrade failed:\n{result.stderr[-3000:]}")


class Gunicorn:
    """One gunicorn master (deploy/gunicorn.conf.py) on a loopback port, logging to a file."""

    def __init__(self, env: dict, workers: int, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers))
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = open(self.log_path, "w")  # noqa: SIM115 (open while the server runs; closed in stop())
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz", headers={"Host": PUBLIC_HOST})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn on port {self.port} did not become healthy; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()


# --- the election --------------------------------------------------------------------------------------

@dataclass
class Election:
    budget_id: int
    project_ids: list[int]
    voters: list[tuple[int, str]]  # (user id, email)
    tally_rule: str


def set_up_election(app, voters: int, secrecy: str) -> Election:
    """A coordinator, the voters (one shared argon2 hash) and a budget open for voting, through the app."""
    import sqlalchemy as sa

    from app.auth.models import User
    from app.auth.services import register_user
    from app.budgets import services
    from app.budgets.models import Electorate
    from app.consultations.models import Consultation, ConsultationPhase
    from app.extensions import db
    from app.timeutil import utcnow

    with app.app_context():
        coordinator = register_user("bench-coordinator@example.fi", "Bench Coordinator", PASSWORD)
        coordinator.is_coordinator = True
        now = utcnow()
        consultation = Consultation(title="Kyläraha 2027 (vote load)", description="")
        consultation.phases.append(ConsultationPhase(phase="voting", starts_at=now - timedelta(days=1),
                                                     ends_at=now + timedelta(days=14)))
        db.session.add(consultation)
        db.session.commit()
        budget = services.save_budget(coordinator, consultation, None, services.BudgetSettings(
            title="Kyläraha 2027", description="Vote load test.", total=Decimal(BUDGET_TOTAL),
            electorate=Electorate.RESIDENTS, secrecy=secrecy))
        for title, cost in PROJECTS:
            services.save_project(coordinator, budget, None, title=title, description="", cost=Decimal(cost))
        shared_hash = app.extensions["password_hashing"].hash(PASSWORD)
        rows = [{"email": f"voter{n:05d}@bench.example.fi", "display_name": f"Voter {n}",
                 "password_hash": shared_hash, "language": "en", "created_at": now} for n in range(1, voters + 1)]
        db.session.execute(sa.insert(User), rows)
        db.session.commit()
        voter_rows = db.session.execute(sa.select(User.id, User.email).where(User.email.like("voter%@bench.example.fi"))
                                        .order_by(User.id)).all()
        db.session.refresh(budget)
        return Election(budget.id, [p.id for p in budget.projects], [tuple(r) for r in voter_rows],
                        budget.tally_rule)


# --- the HTTP client -----------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int  # 0: the connection failed
    headers: list[tuple[str, str]]
    body: str
    seconds: float
    error: str = ""

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class Stats:
    """Every request's kind, status and latency (thread-safe), plus the fault's timeline."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = collections.defaultdict(list)
        self.statuses: collections.Counter = collections.Counter()
        self.bad_503_pages = 0
        self.first_503: float | None = None
        self.last_503: float | None = None
        self.errors_seen: list[str] = []

    def add(self, kind: str, answer: Answer) -> None:
        with self.lock:
            self.statuses[(kind, answer.status or answer.error)] += 1
            if answer.status:
                self.latencies[kind].append(answer.seconds)
            if answer.status == 503 or not answer.status:
                now = time.monotonic()
                self.first_503 = self.first_503 or now
                self.last_503 = now
            if answer.status == 503 and TRY_AGAIN_TEXT not in answer.body:
                self.bad_503_pages += 1
            if answer.status >= 500 and answer.status != 503 and len(self.errors_seen) < 5:
                self.errors_seen.append(f"{kind} {answer.status}: {answer.body[:300]}")


class Browser:
    """One voter's browser: a cookie jar and the servers it talks to (round-robin when there are two)."""

    counter = itertools.count()

    def __init__(self, ports: list[int], address: str, stats: Stats):
        self.ports = ports
        self.address = address  # the voter's own address, as nginx would forward it
        self.stats = stats
        self.cookies: dict[str, str] = {"lang": "en"}

    def clone(self) -> Browser:
        other = copy.copy(self)
        other.cookies = dict(self.cookies)
        return other

    def _store_cookies(self, headers) -> None:
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            jar = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "" or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value

    def request(self, kind: str, method: str, path: str, fields: list[tuple[str, str]] | None = None,
                referer: str | None = None) -> Answer:
        port = self.ports[next(self.counter) % len(self.ports)]
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-Host": PUBLIC_HOST, "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": self.address, "X-Real-IP": self.address, "User-Agent": "vote-load/1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{PUBLIC_HOST}{referer or path}"
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            answer = Answer(response.status, response.getheaders(), text, time.perf_counter() - start)
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            answer = Answer(0, [], "", time.perf_counter() - start, error=type(error).__name__)
        if answer.status:
            self._store_cookies(answer.headers)
        self.stats.add(kind, answer)
        return answer

    def patiently(self, kind: str, method: str, path: str, fields=None, referer=None) -> tuple[Answer, int]:
        """The request, repeated after a pause while the connection fails or the answer is 503 (for a page,
        any 5xx: reloading a page is harmless)."""
        for attempt in range(1, RETRY_LIMIT + 1):
            answer = self.request(kind, method, path, fields, referer)
            if answer.status and (answer.status < 500 or (method == "POST" and answer.status != 503)):
                return answer, attempt  # pages are reloaded after any 5xx, forms sent again only after a 503
            time.sleep(random.uniform(*RETRY_PAUSE))
        return answer, RETRY_LIMIT


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VOTER = re.compile(r'name="voter" value="([^"]+)"')
RECEIPT = re.compile(r'class="receipt-code"><code>([A-Z0-9-]+)</code>')
CHECKED = re.compile(r'name="project" value="(\d+)"[^>]*?\bchecked\b')


def csrf_token(answer: Answer) -> str | None:
    match = CSRF.search(answer.body)
    return match.group(1) if match else None


# --- one voter -----------------------------------------------------------------------------------------

@dataclass
class Submission:
    choices: frozenset[int]
    outcome: str = "none"  # stored | refused | error | unexpected
    receipt: str | None = None
    attempts: int = 0
    had_failure: bool = False  # a 503 or a dropped connection before the final answer


@dataclass
class VoterResult:
    user_id: int
    submissions: list[Submission] = field(default_factory=list)
    problem: str = ""
    believed: frozenset[int] | None = None  # open ballots: what the ballot page shows afterwards


def vote(browser: Browser, user_id: int, email: str, budget_path: str, choice_sets, barrier_timeout=120) -> VoterResult:
    result = VoterResult(user_id)
    page, _ = browser.patiently("login_page", "GET", "/login")
    token = csrf_token(page)
    if page.status != 200 or not token:
        result.problem = f"login page {page.status}"
        return result
    login, _ = browser.patiently("login", "POST", "/login",
                                 [("csrf_token", token), ("next", ""), ("email", email), ("password", PASSWORD)])
    if login.status != 302:
        result.problem = f"login {login.status}: {re.sub(r'<[^>]+>', ' ', login.body)[:200]!r}"
        return result
    ballot_page, _ = browser.patiently("ballot_page", "GET", budget_path)
    token, voter = csrf_token(ballot_page), VOTER.search(ballot_page.body)
    if ballot_page.status != 200 or not token or not voter:
        result.problem = f"ballot page {ballot_page.status} without a ballot form"
        return result
    result.submissions = [Submission(frozenset(c)) for c in choice_sets]
    barrier = threading.Barrier(len(result.submissions))

    def submit(submission: Submission, tab: Browser) -> None:
        fields = [("csrf_token", token), ("voter", voter.group(1))] + [("project", str(p))
                                                                     for p in sorted(submission.choices)]
        barrier.wait(timeout=barrier_timeout)
        for attempt in range(1, RETRY_LIMIT + 1):
            answer = tab.request("ballot", "POST", f"{budget_path}/ballot", fields, referer=budget_path)
            submission.attempts = attempt
            if answer.status and answer.status != 503:
                break
            submission.had_failure = True
            time.sleep(random.uniform(*RETRY_PAUSE))
        if answer.status == 302:
            submission.outcome = "stored"
            receipt_page, _ = tab.patiently("receipt_page", "GET", urlsplit(answer.header("Location")).path)
            match = RECEIPT.search(receipt_page.body)
            submission.receipt = match.group(1) if match else receipt_from_cookie(tab.cookies.get("session"))
        elif answer.status == 422 and ALREADY_VOTED_TEXT in answer.body:
            submission.outcome = "refused"
        elif answer.status in (0, 503):
            submission.outcome = "error"
        else:
            submission.outcome = f"unexpected {answer.status}"

    tabs = [threading.Thread(target=submit, args=(s, browser.clone())) for s in result.submissions]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    if any(s.outcome == "stored" for s in result.submissions):
        after, _ = browser.patiently("ballot_page", "GET", budget_path)
        result.believed = frozenset(int(p) for p in CHECKED.findall(after.body))
    return result


def receipt_from_cookie(cookie: str | None) -> str | None:
    """The receipt in the signed session cookie (used only when the receipt page could not be read)."""
    if not cookie:
        return None
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    data = json.loads(zlib.decompress(raw) if cookie.startswith(".") else raw)
    return (data.get("budget_receipt") or {}).get("code")


# --- faults --------------------------------------------------------------------------------------------

class Fault:
    """Injects the chosen fault once `at` voters are done; records what it did and when."""

    def __init__(self, kind: str, servers: list[Gunicorn], hold: float, sqlite_dir: Path | None):
        self.kind, self.servers, self.hold, self.sqlite_dir = kind, servers, hold, sqlite_dir
        self.log: list[str] = []
        self.started: float | None = None
        self.ended: float | None = None

    def note(self, text: str) -> None:
        self.log.append(f"t={time.monotonic() - self.t0:6.1f}s {text}")

    def inject(self, t0: float) -> None:
        self.t0 = t0
        self.started = time.monotonic()
        if self.kind == "kill-worker":
            server = self.servers[0]
            victim = random.choice(server.worker_pids())
            os.kill(victim, signal.SIGKILL)
            self.note(f"kill -9 worker {victim} of gunicorn master {server.process.pid}")
            deadline = time.monotonic() + 30
            while len(server.worker_pids()) < int(server.env["GUNICORN_WORKERS"]) or victim in server.worker_pids():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            self.note(f"workers now {server.worker_pids()}")
        elif self.kind == "pg-restart":
            version, name, _port = SCRATCH_CLUSTER
            self.note(f"pg_ctlcluster {version} {name} restart")
            sh("pg_ctlcluster", version, name, "restart")
            self.note("scratch cluster back up")
        elif self.kind == "disk-full":
            # A WAL file keeps its size and is rewritten from the start after each checkpoint, so writes go on
            # while it has room; truncate it first (as after a restart) so the next commits need new space.
            import sqlite3

            with sqlite3.connect(self.sqlite_dir / "voteload.db", timeout=30) as connection:
                busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            connection.close()
            wal = self.sqlite_dir / "voteload.db-wal"
            self.note(f"WAL checkpointed and truncated (busy={busy}, WAL {wal.stat().st_size if wal.exists() else 0} "
                      "bytes)")
            filler = self.sqlite_dir / "filler"
            result = sh("dd", "if=/dev/zero", f"of={filler}", "bs=1M", check=False)
            usage = shutil.disk_usage(self.sqlite_dir)
            self.note(f"filler written ({filler.stat().st_size // 2**20} MB, dd: {result.stderr.strip().splitlines()[0]}); "
                      f"free {usage.free} bytes")
            time.sleep(self.hold)
            filler.unlink()
            self.note(f"filler deleted after {self.hold:.0f} s; free {shutil.disk_usage(self.sqlite_dir).free // 2**20} MB")
        self.ended = time.monotonic()


# --- verification --------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def receipt_digest(code: str) -> str:
    from app.budgets.services import receipt_hash

    return receipt_hash(code)


def verify(app, election: Election, results: list[VoterResult], secrecy: str) -> list[tuple[str, bool, str]]:
    """The pass criteria, from the database; each as (criterion, passed, detail)."""
    import sqlalchemy as sa

    from app.budgets import services, tally
    from app.budgets.models import (
        BallotChoice,
        Budget,
        BudgetBallot,
        BudgetParticipation,
    )
    from app.extensions import db

    checks = []
    with app.app_context():
        budget = db.session.get(Budget, election.budget_id)
        bid = budget.id
        count = lambda q: db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery()))
        participations = count(sa.select(BudgetParticipation.id).where(BudgetParticipation.budget_id == bid))
        voter_keys = count(sa.select(BudgetParticipation.voter_key).where(BudgetParticipation.budget_id == bid)
                           .distinct())
        ballot_count = count(sa.select(BudgetBallot.id).where(BudgetBallot.budget_id == bid))
        empty = count(sa.select(BudgetBallot.id).where(BudgetBallot.budget_id == bid, ~sa.exists().where(
            BallotChoice.ballot_id == BudgetBallot.id)))
        voters = len(election.voters)
        checks.append(("one participation per voter", participations == voters == voter_keys,
                       f"{participations} participations, {voter_keys} distinct voters, {voters} voters"))
        detail = f"{ballot_count} ballots, {participations} participations, {empty} ballots without choices"
        if secrecy == "open":
            orphans = count(sa.select(BudgetParticipation.id).where(
                BudgetParticipation.budget_id == bid, ~sa.exists().where(
                    BudgetBallot.participation_id == BudgetParticipation.id)))
            loose = count(sa.select(BudgetBallot.id).where(BudgetBallot.budget_id == bid,
                                                           BudgetBallot.participation_id.is_(None)))
            detail += f", {orphans} participations without a ballot, {loose} ballots without a participation"
            consistent = orphans == loose == 0
        else:
            consistent = True  # a secret ballot holds no voter: the counts must agree
        checks.append(("one ballot per voter, nothing half-stored",
                       ballot_count == participations == voters and empty == 0 and consistent, detail))

        stored = {}
        for ballot_id, receipt, project_id in db.session.execute(
                sa.select(BudgetBallot.id, BudgetBallot.receipt_hash, BallotChoice.project_id)
                .join(BallotChoice, BallotChoice.ballot_id == BudgetBallot.id).where(BudgetBallot.budget_id == bid)):
            stored.setdefault(ballot_id, [receipt, set()])[1].add(project_id)
        by_receipt = {receipt: frozenset(projects) for receipt, projects in stored.values()}
        owner = {}
        if secrecy == "open":
            for user_id, project_id in db.session.execute(
                    sa.select(BudgetParticipation.user_id, BallotChoice.project_id)
                    .join(BudgetBallot, BudgetBallot.participation_id == BudgetParticipation.id)
                    .join(BallotChoice, BallotChoice.ballot_id == BudgetBallot.id)
                    .where(BudgetParticipation.budget_id == bid)):
                owner.setdefault(user_id, set()).add(project_id)

        believed, problems, ambiguous = [], [], []
        unfinished = [r for r in results if r.problem]
        for r in results:
            if r.problem:
                continue
            successes = [s for s in r.submissions if s.outcome == "stored"]
            if secrecy == "secret":
                if len(successes) > 1:
                    problems.append(f"voter {r.user_id}: two submissions of a secret ballot succeeded")
                if len(successes) == 1:
                    s = successes[0]
                    if by_receipt.get(receipt_digest(s.receipt or "")) != s.choices:
                        problems.append(f"voter {r.user_id}: receipt {s.receipt} not stored with the choices sent")
                    believed.append(s.choices)
                    other = next(o for o in r.submissions if o is not s)
                    if other.outcome != "refused":
                        problems.append(f"voter {r.user_id}: the second submission ended {other.outcome!r}, "
                                        "not the clear refusal")
                elif all(s.outcome == "refused" for s in r.submissions) and any(s.had_failure for s in r.submissions):
                    ambiguous.append(r)  # the success answer was lost (503 or dropped connection after commit)
                else:
                    problems.append(f"voter {r.user_id}: outcomes {[s.outcome for s in r.submissions]}")
            else:
                if not successes:
                    problems.append(f"voter {r.user_id}: no submission succeeded "
                                    f"({[s.outcome for s in r.submissions]})")
                    continue
                mine = frozenset(owner.get(r.user_id, ()))
                if r.believed != mine:
                    problems.append(f"voter {r.user_id}: the page shows {sorted(r.believed or ())}, stored "
                                    f"{sorted(mine)}")
                if not any(s.choices == mine and by_receipt.get(receipt_digest(s.receipt or "")) == mine
                           for s in successes):
                    problems.append(f"voter {r.user_id}: the stored ballot is none of the successful submissions")
                believed.append(r.believed or frozenset())
        receipted = {receipt_digest(s.receipt) for r in results for s in r.submissions if s.receipt}
        unreceipted = [projects for receipt, projects in by_receipt.items() if receipt not in receipted]
        for r in ambiguous:  # every such voter's ballot is stored, but which of their two?
            candidates = {s.choices for s in r.submissions}
            match = next((u for u in unreceipted if u in candidates), None)
            if match is None:
                problems.append(f"voter {r.user_id}: refused after an error, but no unreceipted ballot of theirs")
            else:
                unreceipted.remove(match)
                believed.append(match)
        if unreceipted:
            problems.append(f"{len(unreceipted)} stored ballots match no answer a client was given")
        checks.append(("every voter finished", not unfinished,
                       f"{len(unfinished)} unfinished" + (f", e.g. {unfinished[0].problem}" if unfinished else "")))
        label = ("every success answer is stored as sent; the other submit refused clearly" if secrecy == "secret"
                 else "the ballot page, the stored ballot and a successful submission agree")
        checks.append((label, not problems,
                       f"{len(problems)} problems" + (f", e.g. {problems[:3]}" if problems else "")
                       + (f"; {len(ambiguous)} voters' success answer was lost in the fault and their retry was "
                          "refused as already voted (ballot found among the unreceipted ones)" if ambiguous else "")))

        total, projects, stored_ballots = services.tally_input(budget)
        pb = {p.id: p.pb_id for p in budget.projects}
        belief_ballots = [tally.Ballot.approval(pb[p] for p in choices) for choices in believed]
        ours = tally.tally(budget.tally_rule, total, projects, stored_ballots)
        theirs = tally.tally(budget.tally_rule, total, projects, belief_ballots)
        votes = lambda result: {p: e.votes for p, e in result.explanations.items()}
        same = ours.winners == theirs.winners and votes(ours) == votes(theirs) and ours.spent == theirs.spent
        checks.append((f"tally ({budget.tally_rule}) of stored = of believed ballots", same,
                       f"winners {ours.winners} vs {theirs.winners}; approvals stored {votes(ours)}"
                       + ("" if votes(ours) == votes(theirs) else f", believed {votes(theirs)}")))
        if db.engine.dialect.name == "sqlite":
            mode = db.session.execute(sa.text("PRAGMA journal_mode")).scalar()
            checks.append(("SQLite in WAL mode", mode == "wal", f"journal_mode={mode}"))
    return checks


# --- the run -------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="kr_voteload_"))
    secret_key = secrets.token_hex(32)
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    servers: list[Gunicorn] = []
    sqlite_dir = app = None
    print(f"vote load: {args.db}, {args.voters} voters, {args.clients} clients, {args.instances} x gunicorn "
          f"{args.workers} workers, fault {args.fault}, {args.secrecy} ballot; scratch {scratch}", flush=True)
    try:
        if args.db == "postgresql":
            if args.fault == "pg-restart":
                ensure_scratch_cluster()
                url = fresh_postgres_database(f"127.0.0.1:{SCRATCH_CLUSTER[2]}", args.db_name)
            else:
                url = fresh_postgres_database(MAIN_PG, args.db_name)
        else:
            if args.fault == "disk-full":
                mount_tmpfs(FULL_MOUNT, "64m")
                sqlite_dir = FULL_MOUNT
            else:
                sqlite_dir = scratch
            url = f"sqlite:///{sqlite_dir / 'voteload.db'}"
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_"))}
        env.update(DATABASE_URL=url, SECRET_KEY=secret_key, REDIS_URL=redis_url, PYTHONUNBUFFERED="1")
        setup_start = time.monotonic()
        migrate(dict(env, FLASK_CONFIG="development"))

        from app import create_app
        from app.config import DevelopmentConfig

        class BenchConfig(DevelopmentConfig):
            SQLALCHEMY_DATABASE_URI = url
            SECRET_KEY = secret_key
            REDIS_URL = redis_url

        app = create_app(BenchConfig)
        election = set_up_election(app, args.voters, args.secrecy)
        print(f"setup: migrations, budget {election.budget_id} with {len(election.project_ids)} projects "
              f"({args.secrecy} ballot, residents, approval, tally {election.tally_rule}), {len(election.voters)} "
              f"voters sharing one argon2 hash of one password (hashed once, production parameters) "
              f"in {time.monotonic() - setup_start:.1f} s", flush=True)

        production = dict(env, FLASK_CONFIG="production", PROXY_COUNT="1")
        for n in range(args.instances):
            servers.append(Gunicorn(production, args.workers, scratch / f"gunicorn-{n + 1}.log"))
        for server in servers:
            server.start()
        for server in servers:
            server.wait_healthy()
        ports = [s.port for s in servers]
        print(f"gunicorn: {', '.join(f'127.0.0.1:{s.port} (master {s.process.pid})' for s in servers)}, "
              f"FLASK_CONFIG=production, PROXY_COUNT=1, Redis {redis_url}", flush=True)

        stats = Stats()
        rng = random.Random(args.seed)
        work: queue.Queue = queue.Queue()
        for n, (user_id, email) in enumerate(election.voters):
            first = frozenset(rng.sample(election.project_ids, rng.randint(1, 3)))
            second = first
            while second == first:
                second = frozenset(rng.sample(election.project_ids, rng.randint(1, 3)))
            work.put((n, user_id, email, (first, second)))
        results: list[VoterResult] = []
        done = itertools.count(1)
        fault = Fault(args.fault, servers, args.hold, sqlite_dir) if args.fault != "none" else None
        fault_threshold = int(args.voters * args.fault_at)
        fault_trigger = threading.Event()
        budget_path = f"/budgets/{election.budget_id}"

        def client() -> None:
            while True:
                try:
                    n, user_id, email, choice_sets = work.get_nowait()
                except queue.Empty:
                    return
                address = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
                try:
                    result = vote(Browser(ports, address, stats), user_id, email, budget_path, choice_sets)
                except Exception as error:  # noqa: BLE001 (a client bug must not hide the others' results)
                    result = VoterResult(user_id, problem=f"client error {error!r}")
                results.append(result)
                finished = next(done)
                if finished == fault_threshold:
                    fault_trigger.set()
                if finished % max(1, args.voters // 10) == 0:
                    print(f"  {finished} voters done, t={time.monotonic() - t0:.0f}s", flush=True)

        t0 = time.monotonic()
        fault_thread = None
        if fault:
            def run_fault():
                if fault_trigger.wait(timeout=3600):
                    fault.inject(t0)
            fault_thread = threading.Thread(target=run_fault, daemon=True)
            fault_thread.start()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - t0
        if fault_thread:
            fault_thread.join(timeout=120)
        healthy_after = all(_healthz(s.port) == 200 for s in servers)

        ballots_stored = sum(1 for r in results for s in r.submissions if s.outcome == "stored")
        print(f"\nvote: {len(results)} voters in {elapsed:.1f} s: {len(results) / elapsed:.1f} voters/s, "
              f"{ballots_stored / elapsed:.1f} successful ballot POSTs/s "
              f"(each voter: login page, login, ballot page, 2 ballot POSTs, receipt page, ...)")
        print(f"{'request':<14}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for kind in ("login_page", "login", "ballot_page", "ballot", "receipt_page"):
            values = stats.latencies.get(kind, [])
            if values:
                print(f"{kind:<14}{len(values):>7}{percentile(values, 50) * 1000:>9.0f}"
                      f"{percentile(values, 95) * 1000:>9.0f}{percentile(values, 99) * 1000:>9.0f}"
                      f"{max(values) * 1000:>9.0f}")
        status_text = ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(
            stats.statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))))
        print(f"statuses: {status_text}")
        outcomes = collections.Counter(s.outcome for r in results for s in r.submissions)
        print(f"ballot submissions: {dict(outcomes)}; retried after 503/connection error: "
              f"{sum(1 for r in results for s in r.submissions if s.had_failure)}")
        if fault:
            print("fault: " + "; ".join(fault.log))
            if stats.first_503 is not None:
                print(f"503s and dropped connections from t={stats.first_503 - t0:.1f}s to "
                      f"t={stats.last_503 - t0:.1f}s")

        checks = verify(app, election, results, args.secrecy)
        fives = sum(n for (kind, status), n in stats.statuses.items() if isinstance(status, int) and status >= 500)
        others = sum(n for (kind, status), n in stats.statuses.items()
                     if isinstance(status, int) and status >= 500 and status != 503)
        if fault:
            checks.append(("no 5xx but 503 try-again", others == 0,
                           f"{others} other 5xx" + (f", e.g. {stats.errors_seen[0]}" if stats.errors_seen else "")))
            checks.append(("every 503 is the try-again page", stats.bad_503_pages == 0,
                           f"{fives - others} answers 503, {stats.bad_503_pages} without the try-again text"))
        else:
            checks.append(("zero 5xx", fives == 0, f"{fives} 5xx"
                           + (f", e.g. {stats.errors_seen[0]}" if stats.errors_seen else "")))
        checks.append(("the app recovered by itself (/healthz 200 at the end)", healthy_after, ""))
        service = server_times(servers)
        for kind in ("login", "ballot"):
            if service.get(kind):
                values = service[kind]
                print(f"time in the worker (access log, without queueing) of {kind} POSTs: p50 "
                      f"{percentile(values, 50) * 1000:.0f} ms, p95 {percentile(values, 95) * 1000:.0f} ms, "
                      f"p99 {percentile(values, 99) * 1000:.0f} ms")
        slow = sum(1 for values in stats.latencies.values() for v in values if v > NGINX_READ_TIMEOUT)
        timeouts = sum(n for (kind, status), n in stats.statuses.items() if status == "TimeoutError")
        print(f"answers slower than nginx's proxy_read_timeout ({NGINX_READ_TIMEOUT} s; 504 behind nginx): {slow}, "
              f"client timeouts ({CLIENT_TIMEOUT} s, retried): {timeouts}")
        tracebacks = sum(s.log_path.read_text(errors="replace").count("Traceback") for s in servers)
        print(f"server logs: {tracebacks} tracebacks ({', '.join(str(s.log_path) for s in servers)})")
        print("\ncriteria:")
        for name, passed, detail in checks:
            print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}")
        failed = not all(passed for _name, passed, _detail in checks)
        print(f"\nmachine: {os.cpu_count()} cores shared with other work; the client's {args.clients} threads "
              f"run on the same cores as gunicorn and the database")
        print("RESULT: " + ("FAIL" if failed else "PASS"))
        if failed:
            args.keep = True
        return 1 if failed else 0
    finally:
        for server in servers:
            server.stop()
        if app is not None:  # let go of the scratch database (the tmpfs can be unmounted)
            from app.extensions import db

            with app.app_context():
                db.engine.dispose()
        if args.fault == "disk-full" and os.path.ismount(FULL_MOUNT):
            sh("umount", str(FULL_MOUNT), check=False)
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


ACCESS_LINE = re.compile(r'"(GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) .* (\d+)us$')


def server_times(servers: list[Gunicorn]) -> dict[str, list[float]]:
    """Seconds each login and ballot POST spent in a worker, from gunicorn's access log (%(D)s)."""
    times: dict[str, list[float]] = collections.defaultdict(list)
    for server in servers:
        for line in server.log_path.read_text(errors="replace").splitlines():
            match = ACCESS_LINE.search(line)
            if match and match.group(1) == "POST":
                kind = "login" if match.group(2) == "/login" else "ballot" if match.group(2).endswith("/ballot") else None
                if kind:
                    times[kind].append(int(match.group(4)) / 1e6)
    return times


def _healthz(port: int) -> int:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        connection.request("GET", "/healthz", headers={"Host": PUBLIC_HOST})
        return connection.getresponse().status
    except OSError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
