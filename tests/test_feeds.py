"""Atom feeds of new proposals and of decisions: valid RFC 4287, public input only, the lists' filters."""
from datetime import timedelta
from xml.etree import ElementTree as ET

from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import count_queries
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401
from tests.proposal_helpers import add_proposal, english, make_consultation, text  # noqa: F401
from tests.test_decisions import DAY, decide, held_meeting

NS = {"a": "http://www.w3.org/2005/Atom"}


def parse(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated; every entry has them too, and an author
    # either itself or through the feed.
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"a:{name}", NS)) == 1, name
    assert root.find("a:author/a:name", NS) is not None
    assert root.find("a:link[@rel='self']", NS) is not None
    ids = [entry.findtext("a:id", namespaces=NS) for entry in root.findall("a:entry", NS)]
    assert len(ids) == len(set(ids))
    for entry in root.findall("a:entry", NS):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", NS)) == 1, name
        assert entry.findtext("a:updated", namespaces=NS).endswith("Z")
    return root


def titles(root: ET.Element) -> list[str]:
    return [entry.findtext("a:title", namespaces=NS) for entry in root.findall("a:entry", NS)]


def test_proposals_feed_lists_the_newest_public_proposals(add_proposal, english, make_consultation):
    now = utcnow()
    older = add_proposal(title="Laituri", created_at=now - 2 * DAY,
                         body="Uimarannalle **laituri** <script>alert(1)</script>")
    add_proposal(title="Piilotettu", hidden_at=now, hidden_reason="Asiaton")
    add_proposal(title="Peruttu", state="withdrawn")
    newer = add_proposal(title="Katos <pysäkille> & penkki", created_at=now - DAY)
    client, _ = english(None)
    root = parse(client.get("/proposals.atom"))
    assert titles(root) == ["Katos <pysäkille> & penkki", "Laituri"]
    assert root.findtext("a:title", namespaces=NS) == "Kyläraati: new proposals"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entry = root.findall("a:entry", NS)[1]
    assert entry.findtext("a:id", namespaces=NS) == f"http://localhost/proposals/{older.id}"
    assert entry.find("a:link", NS).get("href") == f"http://localhost/proposals/{older.id}"
    content = entry.findtext("a:content", namespaces=NS)
    assert "<strong>laituri</strong>" in content and "<script>" not in content
    assert entry.findtext("a:published", namespaces=NS) == (
        older.created_at.replace(microsecond=0).isoformat() + "Z")
    assert newer.id != older.id


def test_proposals_feed_takes_the_lists_filters(add_proposal, english, make_consultation):
    first, second = make_consultation(title="Eka"), make_consultation(title="Toka")
    add_proposal(title="Ensimmäinen", consultation=first)
    add_proposal(title="Toinen", consultation=second)
    client, _ = english(None)
    assert titles(parse(client.get(f"/proposals.atom?consultation={second.id}"))) == ["Toinen"]
    # A value that is not a choice filters nothing, as on the list.
    assert sorted(titles(parse(client.get("/proposals.atom?consultation=abc")))) == ["Ensimmäinen", "Toinen"]
    page = text(client.get(f"/proposals?consultation={second.id}&sort=newest&page=1"))
    assert f'href="/proposals.atom?consultation={second.id}"' in page
    assert 'rel="alternate" type="application/atom+xml"' in page


def test_feeds_are_in_the_visitors_language(add_proposal, client):
    add_proposal()
    root = parse(client.get("/proposals.atom"))
    assert root.findtext("a:title", namespaces=NS) == "Kyläraati: uudet aloitteet"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fi"


def test_decisions_feed_lists_decisions_newest_first(make_meeting, make_body, add_proposal, english):
    older = held_meeting(make_meeting, days_ago=20, items=2, links={1: [add_proposal()]})
    decide(older, 1, "approved", "Hyväksyttiin **laituri**.")
    decide(older, 2, "tabled")
    newer = held_meeting(make_meeting, days_ago=2, items=1)
    decide(newer, 1, "rejected", decided_at=newer.starts_at + timedelta(hours=1))
    make_meeting(starts_in=5 * DAY, items=1)  # planned: nothing decided
    client, _ = english(None)
    root = parse(client.get("/decisions.atom"))
    names = titles(root)
    assert len(names) == 3
    assert names[0].endswith("§ 1: Asia 1") and names[1].endswith("§ 2: Asia 2")
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:summary", namespaces=NS) for e in entries] == ["Rejected", "Tabled", "Approved"]
    assert "<strong>laituri</strong>" in entries[2].findtext("a:content", namespaces=NS)
    assert entries[2].findtext("a:id", namespaces=NS) == f"http://localhost/decisions/{older.items[0].id}"
    assert len(titles(parse(client.get("/decisions.atom?outcome=tabled")))) == 1
    page = text(client.get("/decisions?outcome=tabled"))
    assert 'href="/decisions.atom?outcome=tabled"' in page


def test_feeds_do_a_fixed_number_of_queries(add_proposal, make_meeting, english, app):
    client, _ = english(None)

    def queries(url: str) -> int:
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return len(counted)

    for n in range(2):
        add_proposal(title=f"Aloite {n}")
        decide(held_meeting(make_meeting, days_ago=3 + n, items=1), 1, "noted")
    few = queries("/proposals.atom"), queries("/decisions.atom")
    for n in range(12):
        add_proposal(title=f"Lisää {n}")
        decide(held_meeting(make_meeting, days_ago=10 + n, items=1), 1, "noted")
    assert (queries("/proposals.atom"), queries("/decisions.atom")) == few
    db.session.rollback()
