"""Permission rules, password policy, Markdown and formats: plain Python, no app."""
from dataclasses import dataclass
from datetime import date

import pytest

from app.auth.passwords import PasswordHashing, password_problems
from app.auth.rules import Action, can, role_names
from app.markdown import render_markdown
from tests.unit.fakes import FakeMandate, FakeUser


@dataclass
class FakeAssociation:
    id: int


TODAY = date(2026, 11, 28)


def test_visitor_may_do_nothing_privileged():
    visitor = FakeUser(is_authenticated=False)
    assert not any(can(visitor, action, FakeAssociation(1), TODAY) for action in Action)
    assert not can(None, Action.EDIT_OWN_ACCOUNT)


@pytest.mark.parametrize("action", sorted(Action))
def test_role_matrix(action):
    resident = FakeUser()
    board = FakeUser(is_board_member=True)
    coordinator = FakeUser(is_coordinator=True)
    expected_coordinator_only = action in {Action.MANAGE_DIRECTORY, Action.REVIEW_REPRESENTATIONS,
                                           Action.MANAGE_ROLES, Action.READ_AUDIT_LOG, Action.READ_FEEDBACK}
    if expected_coordinator_only:
        assert can(coordinator, action) and not can(board, action) and not can(resident, action)
    elif action == Action.VIEW_BOARD_TOOLS:
        assert can(coordinator, action) and can(board, action) and not can(resident, action)


def test_mandate_counts_only_within_its_period_and_for_its_association():
    rep = FakeUser(mandates=[FakeMandate(1, date(2026, 1, 1), date(2026, 12, 31))])
    assert can(rep, Action.ACT_FOR_ASSOCIATION, FakeAssociation(1), TODAY)
    assert not can(rep, Action.ACT_FOR_ASSOCIATION, FakeAssociation(2), TODAY)
    assert not can(rep, Action.ACT_FOR_ASSOCIATION, FakeAssociation(1), date(2027, 1, 1))
    assert not can(rep, Action.ACT_FOR_ASSOCIATION, FakeAssociation(1), date(2025, 12, 31))
    revoked = FakeUser(mandates=[FakeMandate(1, date(2026, 1, 1), status="revoked")])
    assert not can(revoked, Action.ACT_FOR_ASSOCIATION, FakeAssociation(1), TODAY)
    assert role_names(rep, TODAY) == ["resident", "representative"]
    assert role_names(revoked, TODAY) == ["resident"]


def test_erased_account_may_do_nothing():
    erased = FakeUser(is_coordinator=True, is_active=False)
    assert not can(erased, Action.MANAGE_ROLES)


@pytest.mark.parametrize("password, problems", [
    ("lyhyt", ["too_short"]),
    ("qwertyuiop", ["common"]),
    ("QWERTYUIOP", ["common"]),
    ("zzzzzzzzzzzz", ["common"]),
    ("aino virtanen 1234", ["contains_name"]),
    ("matti.v@example.fi secret", ["contains_email"]),
    ("kolme sanaa peräkkäin", []),
    ("metsä " * 205, ["too_long"]),
])
def test_password_policy(password, problems):
    assert password_problems(password, "Aino Virtanen", "matti.v@example.fi") == problems


def test_argon2id_hashing_round_trip():
    hashing = PasswordHashing(time_cost=1, memory_cost=1024)
    stored = hashing.hash("kolme sanaa peräkkäin")
    assert stored.startswith("$argon2id$")
    assert hashing.verify(stored, "kolme sanaa peräkkäin")
    assert not hashing.verify(stored, "väärä salasana")
    assert not hashing.verify(None, "anything")
    assert not hashing.verify("garbage", "anything")


def test_argon2_parameters_are_configurable_and_old_hashes_are_renewed():
    owasp = PasswordHashing(time_cost=2, memory_cost=19456, parallelism=1)
    stored = owasp.hash("kolme sanaa peräkkäin")
    assert "$m=19456,t=2,p=1$" in stored and owasp.verify(stored, "kolme sanaa peräkkäin")
    assert not owasp.needs_rehash(stored)
    assert owasp.needs_rehash(PasswordHashing(time_cost=1, memory_cost=1024).hash("kolme sanaa peräkkäin"))


@pytest.mark.parametrize("source, expected, forbidden", [
    ("# Otsikko\n\n**lihava**", "<h2>Otsikko</h2>", "<h1>"),
    ("<script>alert(1)</script>", "&lt;script&gt;", "<script>"),
    ("[linkki](javascript:alert(1))", "linkki", 'href="javascript'),
    ("[linkki](https://iitti.fi)", 'href="https://iitti.fi"', "onclick"),
    ("<img src=x onerror=alert(1)>", "", "<img"),
    ("- yksi\n- kaksi", "<li>yksi</li>", "<ul onclick"),
])
def test_markdown_is_sanitised(source, expected, forbidden):
    html = str(render_markdown(source))
    assert expected in html
    assert forbidden not in html


def test_links_get_rel_nofollow():
    assert 'rel="nofollow noopener noreferrer"' in str(render_markdown("[a](https://iitti.fi)"))
