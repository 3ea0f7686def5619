"""Page speed of Kyläraati against a minimal Flask floor, both served by gunicorn in the same run.

Run: `make bench-pages` or `.venv/bin/python bench/pages.py [--db sqlite|postgresql] [--workers 2] [--clients 4]
[--requests 200] [--login] [--no-cache] [--redis-db 14] [--markdown FILE]`.

1. A scratch database (SQLite in a temporary directory; `--db postgresql` recreates the database kr_pages on
   127.0.0.1:5432), `flask db upgrade`, `flask seed-demo`, then scaled up with bulk inserts to 1,000 proposals,
   50,000 comments (one proposal has exactly 200 visible ones), 500 events and 100 meetings.
2. gunicorn serves the app (deploy/gunicorn.conf.py, FLASK_CONFIG=production, REDIS_URL set, so the page cache
   for visitors who are not signed in is on as in production; `--no-cache` switches it off, and `--login`
   measures a signed-in resident, whom it never serves) and the floor, bench/floor_app.py, a Flask app rendering
   one small template (bench/floor_gunicorn.conf.py: the same settings).
3. Per page: a warm-up, then N keep-alive clients (threads, http.client, each keeping its cookies like a browser)
   send a fixed number of requests. The floor is measured first and last; pages are compared with the mean.

The headline is each page's ratio to the floor, in median latency and in requests per second; the goal is
within 3x of the floor on every page. The SQL statements per request are counted in-process afterwards. The
exit code is 0 whatever the figures (it is a benchmark), 1 only if a page answered an error.
"""
from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
GOAL = 3.0
# Not one of the goal's pages: the site's layout around a static text, no SQL. What every page costs at least.
REFERENCE = "layout only (privacy notice)"
HELSINKI = ZoneInfo("Europe/Helsinki")

TARGET_PROPOSALS = 1_000
TARGET_COMMENTS = 50_000
TARGET_EVENTS = 500
TARGET_MEETINGS = 100
THREAD_COMMENTS = 200  # the visible comments on the one long discussion
EXTRA_RESIDENTS = 600


# --- the scratch database ----------------------------------------------------------------------------------

def prepare_database(kind: str, workdir: Path) -> str:
    """Create the scratch database and return its URL."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    subprocess.run([*psql, "DROP DATABASE IF EXISTS kr_pages"], check=True)
    subprocess.run([*psql, "CREATE DATABASE kr_pages"], check=True)
    return "postgresql+psycopg://postgres@127.0.0.1:5432/kr_pages"


def flask_command(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


# Words for generated proposals, comments and events: Finnish, as the demo's own.
PLACES = ["kylätalon", "uimarannan", "koulun", "urheilukentän", "kirjaston", "laavun", "venevalkaman", "torin",
          "leikkipuiston", "pyörätien", "kävelyreitin", "bussipysäkin", "kirkon", "nuorisoseurantalon"]
ACTIONS = ["kunnostus", "valaistus", "uusi penkki", "esteetön sisäänkäynti", "kesäkahvila", "opastaulu",
           "roska-astiat", "pysäköintialue", "talviauraus", "kuntoportaat", "grillikatos", "jäätekonttori"]
SENTENCES = [
    "Asia on puhuttanut kyläläisiä jo pitkään, ja moni on kysynyt sitä myös kyläyhdistyksen kokouksessa.",
    "Kunnostus parantaisi turvallisuutta erityisesti pimeään vuodenaikaan.",
    "Kustannusarvio perustuu paikallisen urakoitsijan alustavaan tarjoukseen.",
    "Talkooväki on valmis tekemään osan työstä, jos kunta hankkii tarvikkeet.",
    "Paikkaa käyttävät koululaiset, iäkkäät ja kesäasukkaat.",
    "Ehdotus on esitelty kylän kesäjuhlassa, ja palaute oli myönteistä.",
    "Hankkeen voisi toteuttaa vaiheittain kahden kesän aikana.",
    "Läheinen yhdistys on luvannut huolehtia ylläpidosta.",
]
COMMENT_TEXTS = [
    "Hyvä ehdotus, kannatan lämpimästi.",
    "Olisiko tähän saatavilla myös Leader-rahoitusta? Kannattaisi selvittää.",
    "Meidän perheemme käyttää paikkaa päivittäin, ja parannus olisi todella tarpeen.",
    "Kustannusarvio tuntuu korkealta. Voisiko osan tehdä talkoilla?",
    "Tätä on toivottu jo vuosia. Kiitos kun joku otti asian esille!",
    "Entä talviaikainen kunnossapito, kuka siitä huolehtisi?",
    "Kyläyhdistyksen kokouksessa asiasta oli laaja yksimielisyys.",
    "Minusta raha kannattaisi käyttää mieluummin teiden kunnostukseen.",
    "Lisätietoa löytyy kunnan sivuilta: https://www.iitti.fi/",
    "Olen samaa mieltä edellisen kirjoittajan kanssa.",
    "Tärkeää olisi huomioida myös liikuntarajoitteiset käyttäjät.",
    "Kesäasukkaana tuen ajatusta, paikka on kylän sydän.",
]
EVENT_TITLES = ["Kyläjuhla", "Joulumyyjäiset", "Lentopalloturnaus", "Siivoustalkoot", "Teatteri-ilta", "Kyläkokous",
                "Markkinat", "Hiihtokilpailut", "Lukupiiri", "Tanssit", "Kirpputori", "Pilkkikilpailu",
                "Konsertti", "Retki", "Kahvila-ilta", "Metsäkävely"]
CATEGORIES_OF_EVENTS = ["village_party", "sports", "culture", "market", "talkoot", "meeting"]
PROPOSAL_CATEGORIES = ["village_facilities", "roads_and_lighting", "nature_and_recreation", "culture_and_events",
                       "sports", "children_and_youth", "elderly", "environment", "other"]
# How often each state occurs among the generated proposals, and the path of state changes to it.
STATE_WEIGHTS = {"submitted": 35, "under_review": 20, "accepted": 18, "rejected": 10, "implemented": 10,
                 "withdrawn": 7}
STATE_PATHS = {"submitted": [], "under_review": ["under_review"], "accepted": ["under_review", "accepted"],
               "rejected": ["under_review", "rejected"], "implemented": ["under_review", "accepted", "implemented"],
               "withdrawn": ["withdrawn"]}


def _local_to_utc(moment: datetime) -> datetime:
    """A Helsinki wall-clock time as the naive UTC the database stores."""
    return moment.replace(tzinfo=HELSINKI).astimezone(UTC).replace(tzinfo=None)


def scale_up(seed: int) -> dict:
    """Bulk-insert the generated data next to the demo's; return what the benchmark needs to know."""
    import sqlalchemy as sa

    from app.auth.models import User
    from app.comments.models import Comment
    from app.consultations.models import Consultation, ConsultationPhase
    from app.directory.models import Association
    from app.events.models import Event
    from app.extensions import db
    from app.meetings.models import AgendaItem, AgendaLink, Body, Meeting
    from app.proposals.models import Proposal, ProposalStateChange, Support
    from app.timeutil import utcnow

    rng = random.Random(seed)
    now = utcnow()
    session = db.session

    def insert(model, rows: list[dict]) -> None:
        for start in range(0, len(rows), 5_000):
            session.execute(sa.insert(model.__table__), rows[start:start + 5_000])

    def next_id(model) -> int:
        return (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1

    # People: residents who support and comment, with the demo resident's password (so they are real accounts).
    template = session.scalar(sa.select(User).where(User.email == "asukas@demo.kylaraati.fi"))
    coordinator_id = session.scalar(sa.select(User.id).where(User.is_coordinator.is_(True)).limit(1))
    board_id = session.scalar(sa.select(User.id).where(User.is_board_member.is_(True)).limit(1))
    first_names = ["Aino", "Eino", "Helmi", "Väinö", "Sanna", "Mikko", "Liisa", "Jari", "Tiina", "Antti", "Elina"]
    last_names = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen"]
    insert(User, [{"email": f"asukas{n}@bench.kylaraati.fi", "display_name": f"{rng.choice(first_names)} "
                   f"{rng.choice(last_names)}", "password_hash": template.password_hash, "language": "fi",
                   "created_at": now - timedelta(days=rng.randint(30, 700))} for n in range(EXTRA_RESIDENTS)])
    residents = list(session.scalars(sa.select(User.id).where(User.email.like("%@bench.kylaraati.fi"))))
    associations = [(a.id, a.village_id) for a in session.scalars(sa.select(Association))]

    # Proposals: in the consultations whose proposal phase has begun, written during that phase.
    windows = {c.id: (c.village_id, p.starts_at, min(p.ends_at or now, now)) for c, p in session.execute(
        sa.select(Consultation, ConsultationPhase).join(ConsultationPhase)
        .where(ConsultationPhase.phase == "proposals", ConsultationPhase.starts_at < now))}
    village_ids = list(session.scalars(sa.text("SELECT id FROM village")))
    first_proposal = next_id(Proposal)
    missing = TARGET_PROPOSALS - session.scalar(sa.select(sa.func.count(Proposal.id)))
    states = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()), k=missing)
    states[0] = "under_review"  # the long discussion, a proposal the board is still considering
    proposals, changes, created = [], [], {}
    for n, state in enumerate(states):
        proposal_id = first_proposal + n
        consultation_id = rng.choice(list(windows))
        village_id, start, end = windows[consultation_id]
        at = start + (end - start) * rng.random()
        created[proposal_id] = at
        association = rng.choice(associations) if rng.random() < 0.25 else None
        answered = state in ("accepted", "rejected", "implemented")
        place, action = rng.choice(PLACES), rng.choice(ACTIONS)
        body = "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(rng.randint(2, 4)))
        hidden = n > 0 and rng.random() < 0.01
        proposals.append({
            "id": proposal_id, "consultation_id": consultation_id, "author_id": rng.choice(residents),
            "association_id": association[0] if association else None,
            "village_id": village_id or (association[1] if association else rng.choice(village_ids)),
            "title": f"{place.capitalize()} {action} {n + 1}", "body": f"Ehdotamme, että {place} {action} "
            f"toteutetaan.\n\n{body}\n\n- kustannukset jaetaan\n- työ tehdään kesällä",
            "category": rng.choice(PROPOSAL_CATEGORIES),
            "estimated_cost": Decimal(rng.randrange(500, 60_000, 250)) if rng.random() < 0.8 else None,
            "location": f"{place.capitalize()} ympäristö", "state": state, "created_at": at, "updated_at": at,
            "answer": "Kunnanhallitus on käsitellyt aloitteen. " + rng.choice(SENTENCES) if answered else "",
            "answered_by_id": board_id if answered else None,
            "answered_at": at + timedelta(days=rng.randint(10, 40)) if answered else None,
            "hidden_at": at + timedelta(days=1) if hidden else None,
            "hidden_reason": "Sisältää henkilötietoja." if hidden else "", "hidden_by_id": coordinator_id if hidden else None,
        })
        previous = "submitted"
        for step, to_state in enumerate(STATE_PATHS[state], start=1):
            changes.append({"proposal_id": proposal_id, "from_state": previous, "to_state": to_state,
                            "changed_by_id": board_id if to_state != "withdrawn" else proposals[-1]["author_id"],
                            "changed_at": at + timedelta(days=7 * step), "note": ""})
            previous = to_state
    insert(Proposal, proposals)
    insert(ProposalStateChange, changes)
    thread_proposal = first_proposal

    # Supports: a skewed number per proposal, each resident at most once.
    insert(Support, [{"proposal_id": p["id"], "user_id": user_id, "created_at": p["created_at"] + timedelta(hours=3)}
                     for p in proposals for user_id in rng.sample(residents, min(len(residents),
                                                                                 int(rng.paretovariate(1.2) * 3)))])

    # Comments: exactly THREAD_COMMENTS visible ones on the long discussion, the rest spread unevenly.
    open_ids = [p["id"] for p in proposals[1:] if p["hidden_at"] is None]
    missing = TARGET_COMMENTS - session.scalar(sa.select(sa.func.count(Comment.id))) - THREAD_COMMENTS
    weights = [rng.paretovariate(1.5) for _ in open_ids]
    scale = missing / sum(weights)
    per_proposal = {pid: min(180, int(w * scale)) for pid, w in zip(open_ids, weights, strict=True)}
    short = missing - sum(per_proposal.values())
    for pid in rng.choices(open_ids, k=short):
        per_proposal[pid] += 1
    comments: list[dict] = []
    comment_id = next_id(Comment)

    def add_thread(proposal_id: int, count: int, may_hide: bool) -> None:
        nonlocal comment_id
        top_level: list[int] = []
        start = created[proposal_id]
        span = max((now - start).total_seconds(), 3600)
        moments = sorted(start + timedelta(seconds=span * rng.random()) for _ in range(count))
        for at in moments:
            reply_to = rng.choice(top_level) if top_level and rng.random() < 0.3 else None
            hidden = may_hide and rng.random() < 0.02
            comments.append({
                "id": comment_id, "proposal_id": proposal_id, "parent_id": reply_to, "author_id": rng.choice(residents),
                "body": rng.choice(COMMENT_TEXTS) + ("\n\n" + rng.choice(SENTENCES) if rng.random() < 0.5 else ""),
                "stance": None if reply_to else rng.choice(["for", "against", "neutral", None]), "created_at": at,
                "edited_at": at + timedelta(minutes=5) if rng.random() < 0.05 else None,
                "hidden_at": at + timedelta(hours=2) if hidden else None,
                "hidden_reason": "Asiaton kielenkäyttö." if hidden else "",
                "hidden_by_id": coordinator_id if hidden else None})
            if reply_to is None:
                top_level.append(comment_id)
            comment_id += 1

    add_thread(thread_proposal, THREAD_COMMENTS, may_hide=False)
    for pid, count in per_proposal.items():
        add_thread(pid, count, may_hide=True)
    insert(Comment, comments)

    # Events: published ones from a month back to five months ahead, some all-day, a few cancelled or drafts.
    missing = TARGET_EVENTS - session.scalar(sa.select(sa.func.count(Event.id)))
    events = []
    for n in range(missing):
        organiser, village = rng.choice(associations)
        day = (now + timedelta(days=rng.uniform(-30, 150))).date()
        all_day = rng.random() < 0.1
        if all_day:
            starts = _local_to_utc(datetime.combine(day, datetime.min.time()))
            ends = _local_to_utc(datetime.combine(day + timedelta(days=rng.choice([1, 1, 2])), datetime.min.time()))
        else:
            starts = _local_to_utc(datetime(day.year, day.month, day.day, rng.randint(9, 19), rng.choice([0, 30])))
            ends = starts + timedelta(minutes=rng.choice([60, 90, 120, 180, 240]))
        status = rng.choices(["published", "cancelled", "draft"], weights=[93, 5, 2])[0]
        made = min(now, starts) - timedelta(days=rng.randint(5, 40))
        events.append({
            "organiser_id": organiser, "village_id": village, "title": f"{rng.choice(EVENT_TITLES)} {n + 1}",
            "description": " ".join(rng.sample(SENTENCES, 2)), "place": f"{rng.choice(PLACES).capitalize()} piha",
            "category": rng.choice(CATEGORIES_OF_EVENTS), "starts_at": starts, "ends_at": ends, "all_day": all_day,
            "price": Decimal(rng.choice([5, 10, 15])) if rng.random() < 0.3 else None,
            "accessibility": "Esteetön sisäänkäynti." if rng.random() < 0.5 else "", "status": status,
            "created_at": made, "updated_at": made, "published_at": made if status != "draft" else None,
            "cancelled_at": made + timedelta(days=2) if status == "cancelled" else None,
            "cancel_reason": "Liian vähän ilmoittautuneita." if status == "cancelled" else ""})
    insert(Event, events)

    # Meetings: two years of the bodies' meetings with decisions on answered proposals, a few still planned.
    # Minutes are locked by triggers once approved, so items go in while a meeting is held, then it is approved.
    bodies = list(session.scalars(sa.select(Body.id)))
    missing = TARGET_MEETINGS - session.scalar(sa.select(sa.func.count(Meeting.id)))
    first_meeting, first_item = next_id(Meeting), next_id(AgendaItem)
    answered = [p for p in proposals if p["answered_at"] is not None and p["hidden_at"] is None]
    meetings, items, links, approve = [], [], [], []
    for n in range(missing):
        meeting_id = first_meeting + n
        upcoming = n >= missing - 6
        day = (now + timedelta(days=14 * (n - missing + 7))).date() if upcoming else \
            (now - timedelta(days=730 * (missing - n) / missing)).date()
        starts = _local_to_utc(datetime(day.year, day.month, day.day, 18, 0))
        status = "planned" if upcoming else "held"
        meetings.append({"id": meeting_id, "body_id": rng.choice(bodies), "title": f"Kokous {n + 1}/{day.year}",
                         "starts_at": starts, "ends_at": starts + timedelta(hours=2), "place": "Kunnantalo",
                         "status": status, "chair_name": "Leena Lautakunta", "secretary_name": "Kaisa Koordinaattori",
                         "created_by_id": coordinator_id, "created_at": starts - timedelta(days=14),
                         "held_at": None if upcoming else starts + timedelta(hours=2)})
        for number in range(1, rng.randint(3, 7)):
            decided = not upcoming
            items.append({"id": first_item + len(items), "meeting_id": meeting_id, "number": number,
                          "title": f"{rng.choice(PLACES).capitalize()} {rng.choice(ACTIONS)}",
                          "presentation": " ".join(rng.sample(SENTENCES, 2)),
                          "decision_text": "Hyväksyttiin esityksen mukaisesti." if decided else "",
                          "outcome": rng.choice(["approved", "rejected", "noted"]) if decided else None,
                          "decided_at": starts + timedelta(hours=1) if decided else None,
                          "decided_by_id": board_id if decided else None, "created_at": starts - timedelta(days=14)})
            if decided and answered:
                links.append({"item_id": items[-1]["id"], "proposal_id": answered.pop()["id"],
                              "created_by_id": coordinator_id, "created_at": starts})
        if not upcoming and n < missing - 8:
            approve.append(meeting_id)
    insert(Meeting, meetings)
    insert(AgendaItem, items)
    insert(AgendaLink, links)
    session.execute(sa.update(Meeting).where(Meeting.id.in_(approve))
                    .values(status="approved", approved_at=now, approved_by_id=board_id))

    if session.get_bind().dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in ("proposal", "comment", "meeting", "agenda_item"):
            session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
        session.execute(sa.text("ANALYZE"))
    else:
        session.execute(sa.text("ANALYZE"))
    session.commit()

    finished_budget = session.scalar(sa.text(
        "SELECT b.id FROM budget b JOIN consultation_phase p ON p.consultation_id = b.consultation_id "
        "AND p.phase = 'voting' WHERE p.ends_at < :now ORDER BY p.ends_at DESC LIMIT 1"), {"now": now})
    counts = {name: session.scalar(sa.text(f'SELECT count(*) FROM "{name}"'))
              for name in ("proposal", "comment", "event", "meeting", "user", "support", "agenda_item")}
    visible = session.scalar(sa.select(sa.func.count(Comment.id)).where(
        Comment.proposal_id == thread_proposal, Comment.hidden_at.is_(None)))
    return {"thread_proposal": thread_proposal, "thread_comments": visible, "budget": finished_budget,
            "counts": counts}


# --- serving -----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve(name: str, config: Path, app: str, cwd: Path, env: dict, workers: int, workdir: Path,
          ready_path: str) -> Server:
    """Start gunicorn on a free local port and wait until `ready_path` answers 200."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    log = workdir / f"{name}.log"
    process = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", str(config), app], cwd=cwd, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {name} exited; see {log}:\n{log.read_text()[-2000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", ready_path)
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"gunicorn for {name} did not answer within a minute; see {log}")


def server_cpu(pid: int) -> float | None:
    """CPU seconds used so far by a gunicorn master and its workers, live or reaped (Linux /proc; else None).

    Unlike latency, this hardly depends on what else the machine runs, so it compares pages fairly on a busy one.
    """
    def fields(stat_pid: str) -> list[str]:
        with open(f"/proc/{stat_pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()

    try:
        own = fields(str(pid))
        total = sum(int(own[n]) for n in (11, 12, 13, 14))  # utime, stime, and those of reaped workers
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = fields(entry)
                except OSError:
                    continue
                if stat[1] == str(pid):
                    total += int(stat[11]) + int(stat[12])
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


# --- load --------------------------------------------------------------------------------------------------

@dataclass
class Client:
    """One visitor: a connection that is kept open when the server allows it, and the cookies it was given."""

    port: int
    cookies: dict = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None
    cache_hits: int = 0  # answers the page cache gave (X-Page-Cache: hit)

    def get(self, path: str, method: str = "GET", body: str | None = None) -> tuple[int, bytes]:
        headers = {"Accept-Language": "fi", "User-Agent": "kylaraati-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        if response.headers.get("X-Page-Cache") == "hit":
            self.cache_hits += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:  # gunicorn's sync workers close after each response: reconnect next time
            self.connection.close()
            self.connection = None
        return response.status, data

    def log_in(self, email: str, password: str) -> None:
        from urllib.parse import urlencode

        _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(rb'name="csrf_token" value="([^"]+)"', page)
        status, _ = self.get("/login", "POST", urlencode({"csrf_token": token.group(1).decode(), "email": email,
                                                         "password": password}))
        if status != 302:
            raise SystemExit(f"Could not sign in as {email} (HTTP {status})")


@dataclass
class Result:
    name: str
    path: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    size: int
    queries: int | None = None
    cpu: float | None = None  # server CPU seconds for the timed requests
    hits: int = 0  # timed requests answered from the page cache

    @property
    def cpu_ms(self) -> float | None:
        return None if self.cpu is None else 1000 * self.cpu / self.requests

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def load(name: str, server: Server, path: str, clients: int, requests: int, warmup: int,
         login: tuple[str, str] | None) -> Result:
    """`clients` threads send `requests` requests in all (after `warmup`), each over its own connection."""
    visitors = [Client(server.port) for _ in range(clients)]
    for visitor in visitors:
        if login:
            visitor.log_in(*login)
        for _ in range(max(1, warmup // clients)):
            visitor.get(path)
    latencies: list[list[float]] = [[] for _ in visitors]
    errors = [0] * clients
    sizes = [0] * clients
    start_line = threading.Barrier(clients + 1)
    for visitor in visitors:
        visitor.cache_hits = 0

    def run(index: int) -> None:
        visitor, mine = visitors[index], latencies[index]
        start_line.wait()
        for _ in range(requests // clients):
            began = time.perf_counter()
            status, data = visitor.get(path)
            mine.append(time.perf_counter() - began)
            if status != 200:
                errors[index] += 1
            sizes[index] = len(data)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    cpu_before = server_cpu(server.process.pid)
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    cpu_after = server_cpu(server.process.pid)
    flat = [x for mine in latencies for x in mine]
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Result(name, path, len(flat), elapsed, flat, sum(errors), max(sizes), cpu=cpu,
                  hits=sum(visitor.cache_hits for visitor in visitors))


def count_queries(paths: dict[str, str], login: tuple[str, str] | None) -> dict[str, int]:
    """SQL statements per request of each page, counted in-process on the same database (second request)."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app("development")
    app.config["WTF_CSRF_ENABLED"] = False
    counts = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    if login:
        client.post("/login", data={"email": login[0], "password": login[1]})
    for name, path in paths.items():
        client.get(path)  # the first one may fill caches (e.g. the tally)
        statements: list[str] = []

        def listener(_conn, _cursor, statement, *_args, _statements=statements):
            _statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get(path)
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        counts[name] = len(statements)
    return counts


# --- the report --------------------------------------------------------------------------------------------

def report(results: list[Result], floors: list[Result], args, info: dict) -> str:
    floor_p50 = statistics.mean(f.percentile(50) for f in floors)
    floor_rps = statistics.mean(f.rps for f in floors)
    floor_cpu = statistics.mean(f.cpu_ms for f in floors) if all(f.cpu_ms for f in floors) else None
    lines = [
        (f"Machine: {os.cpu_count()} CPU cores, {platform.python_implementation()} {platform.python_version()}, "
         f"load average before the run {info['load_before']}, after {os.getloadavg()[0]:.2f}"),
        (f"Database: {args.db}; {info['counts']['proposal']:,} proposals, {info['counts']['comment']:,} comments, "
         f"{info['counts']['event']:,} events, {info['counts']['meeting']:,} meetings, "
         f"{info['counts']['user']:,} users, {info['counts']['support']:,} supports"),
        (f"gunicorn: deploy/gunicorn.conf.py, {args.workers} sync workers; load: {args.clients} clients, "
         f"{args.requests} requests per page after {args.warmup} warm-up; "
         f"{'signed in as a resident' if args.login else 'anonymous visitors'}"),
        (f"Floor (one 7-line template): measured first and last, {floors[0].rps:.0f} and {floors[-1].rps:.0f} "
         f"req/s, p50 {floors[0].percentile(50):.1f} and {floors[-1].percentile(50):.1f} ms; ratios use the mean"),
        ("CPU ms/req: CPU time of the gunicorn master and workers per timed request (the load generator not "
         "counted); its ratio hardly depends on what else the machine runs, unlike latency and req/s"),
        "",
        (f"Page cache: {info['page_cache']}; 'cached' is the share of timed requests it answered (signed-in "
         "people and the floor never use it)"),
        "",
        "| page | path | req/s | p50 ms | p95 ms | KiB | SQL/req | CPU ms/req | p50 × floor | req/s ÷ | CPU × | cached | goal 3× |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in [floors[0], *results]:
        is_floor = result is floors[0]
        p50_ratio = result.percentile(50) / floor_p50
        rps_ratio = floor_rps / result.rps
        verdict = "" if is_floor else ("within" if max(p50_ratio, rps_ratio) <= GOAL else "OVER")
        if result.name == REFERENCE:
            verdict = f"({verdict}: reference)"
        lines.append(
            f"| {result.name} | `{result.path}` | {result.rps:.0f} | {result.percentile(50):.1f} | "
            f"{result.percentile(95):.1f} | {result.size / 1024:.1f} | "
            f"{'' if result.queries is None else result.queries} | "
            f"{'' if result.cpu_ms is None else f'{result.cpu_ms:.1f}'} | "
            f"{'1' if is_floor else f'{p50_ratio:.1f}'} | {'1' if is_floor else f'{rps_ratio:.1f}'} | "
            f"{'' if floor_cpu is None or result.cpu_ms is None else '1' if is_floor else f'{result.cpu_ms / floor_cpu:.1f}'} | "
            f"{'' if is_floor else f'{100 * result.hits / result.requests:.0f} %'} | {verdict} |")
    goal_pages = [r for r in results if r.name != REFERENCE]
    over = [r.name for r in goal_pages if max(r.percentile(50) / floor_p50, floor_rps / r.rps) > GOAL]
    errors = sum(r.errors for r in [*results, *floors])
    lines += ["", f"Within {GOAL:g}x of the floor: {len(goal_pages) - len(over)} of {len(goal_pages)} pages"
              + (f"; over: {', '.join(over)}" if over else "") + (f". ERRORS: {errors} responses were not 200"
                                                                   if errors else "")]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn sync workers (default 2: one per core of a 2-core machine that also runs "
                             "the load generator; 2n+1 would only queue CPU-bound work)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients (default 4)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=40, help="warm-up requests per page (default 40)")
    parser.add_argument("--login", action="store_true", help="clients are signed in as the demo resident")
    parser.add_argument("--no-cache", action="store_true",
                        help="switch the page cache off (PAGE_CACHE=off): every page rendered, as signed-in people get")
    parser.add_argument("--redis-db", type=int, default=14,
                        help="Redis database on 127.0.0.1:6379 for the page cache and rate limits (flushed first)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (and its database)")
    parser.add_argument("--markdown", type=Path, help="also write the summary to this file")
    args = parser.parse_args()

    load_before = f"{os.getloadavg()[0]:.2f}"
    workdir = Path(tempfile.mkdtemp(prefix="kylaraati-bench-pages-"))
    database_url = prepare_database(args.db, workdir)
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_CONFIG": "development", "PYTHONPATH": str(ROOT),
           "PAGE_CACHE": "off"}
    env.pop("REDIS_URL", None)
    os.environ.update(DATABASE_URL=database_url, FLASK_CONFIG="development", PAGE_CACHE="off")
    redis_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    sys.path.insert(0, str(ROOT))
    servers: list[Server] = []
    try:
        began = time.perf_counter()
        flask_command(env, "db", "upgrade")
        flask_command(env, "seed-demo")
        seeded = time.perf_counter()
        from app import create_app
        from app.extensions import db

        with create_app("development").app_context():
            info = scale_up(args.seed)
            db.session.remove()
            db.engine.dispose()
        print(f"Database ready in {time.perf_counter() - began:.0f} s (demo {seeded - began:.0f} s, scaling "
              f"{time.perf_counter() - seeded:.0f} s): {info['counts']}", flush=True)
        info["load_before"] = load_before

        # As production runs it: rate limits and the page cache in Redis (a database of its own, emptied first).
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        serving = {**env, "FLASK_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32),
                   "GUNICORN_LOG_LEVEL": "warning", "REDIS_URL": redis_url,
                   "PAGE_CACHE": "off" if args.no_cache else "redis"}
        info["page_cache"] = ("off (--no-cache)" if args.no_cache else f"Redis ({redis_url}), TTL "
                              f"{os.environ.get('PAGE_CACHE_TTL', '60')} s")
        servers.append(serve("app", ROOT / "deploy" / "gunicorn.conf.py", "wsgi:app", ROOT, serving, args.workers,
                             workdir, "/healthz"))
        servers.append(serve("floor", BENCH / "floor_gunicorn.conf.py", "floor_app:app", BENCH, serving,
                             args.workers, workdir, "/"))
        app_server, floor_server = servers
        month = (date.today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
        pages = {
            "front page": "/",
            "proposal list": "/proposals",
            f"proposal, {info['thread_comments']} comments": f"/proposals/{info['thread_proposal']}",
            "budget results": f"/budgets/{info['budget']}/results",
            "calendar, month": f"/events/month?month={month}",
            "calendar, list": "/events",
            REFERENCE: "/privacy",
        }
        login = ("asukas@demo.kylaraati.fi", "kylaraati-demo-2026") if args.login else None
        run = (args.clients, args.requests, args.warmup)
        floors = [load("floor", floor_server, "/", *run, None)]
        print(f"  floor: {floors[0].rps:.0f} req/s", flush=True)
        results = []
        for name, path in pages.items():
            results.append(load(name, app_server, path, *run, login))
            print(f"  {name}: {results[-1].rps:.0f} req/s", flush=True)
        floors.append(load("floor", floor_server, "/", *run, None))
        for server in servers:
            server.stop()
        servers.clear()
        queries = count_queries(pages, login)
        for result in results:
            result.queries = queries[result.name]
        summary = report(results, floors, args, info)
        print("\n" + summary)
        if args.markdown:
            args.markdown.write_text(summary + "\n")
        return 1 if any(r.errors for r in [*results, *floors]) else 0
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"Scratch directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
