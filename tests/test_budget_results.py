"""The results of a budget: explanations, the other rule side by side, statistics without small groups,
charts with tables, receipts, the CSV and .pb downloads, the cache and a bounded number of queries."""
import csv
import hashlib
import html
import io
import itertools
import json
import random
import re
import secrets
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.budgets import charts, pabulib, presentation, services, tally
from app.budgets.models import BallotChoice, Budget, BudgetBallot, BudgetParticipation, BudgetResultCache
from app.budgets.presentation import PROTECTIVE, SHOWN, SMALL, WITHHELD, GroupCount, suppress_small_groups
from app.budgets.rules import association_key
from app.directory.models import Village
from app.extensions import db
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, UPCOMING, VOTING, make_budget  # noqa: F401
from tests.conftest import count_queries
from tests.proposal_helpers import english, make_consultation, text  # noqa: F401

RECEIPT = "ABCD-EFGH-JKLM-NPQR"


def store(budget, picks, *, association=None, channel="online", receipt=None):
    """A ballot stored directly, as casting or paper counting would have stored it (the vote is closed here)."""
    key = association_key(association.id) if association else f"test:{secrets.token_hex(6)}"
    participation = BudgetParticipation(budget_id=budget.id, voter_key=key, channel=channel,
                                        association_id=association.id if association else None)
    db.session.add(participation)
    db.session.flush()
    ballot = BudgetBallot(id=secrets.token_hex(16), budget_id=budget.id, channel=channel,
                          receipt_hash=services.receipt_hash(receipt) if receipt else None,
                          participation_id=participation.id if budget.secrecy == "open" else None)
    db.session.add(ballot)
    db.session.flush()
    for project, points in picks:
        db.session.add(BallotChoice(ballot_id=ballot.id, project_id=project.id, points=points))
    budget.ballots_version += 1
    db.session.commit()


def vote(budget, counts: dict[int, int], **kwargs):
    """counts: project index -> number of approval ballots naming only that project."""
    for index, n in counts.items():
        for _ in range(n):
            store(budget, [(budget.projects[index], 1)], **kwargs)


def page(client, budget, suffix="results"):
    response = client.get(f"/budgets/{budget.id}/{suffix}")
    assert response.status_code == 200, response.status_code
    return text(response)


def table_row(page_text: str, title: str) -> str:
    """The text of the results table's row of a project."""
    table = page_text[page_text.index('class="results-table'):]
    table = table[:table.index("</table>")]
    row = next(r for r in table.split("<tr") if f">{title}<" in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


# --- explanations ----------------------------------------------------------------------------

def test_greedy_explanations_on_the_page(make_budget, english):
    budget = make_budget(windows=CLOSED, tally_rule="greedy", projects=(
        ("Kylätalon katto", Decimal("4000")), ("Uimarannan laituri", Decimal("3000")), ("Latu-ura", Decimal("2000"))))
    vote(budget, {0: 3, 1: 2})  # nobody votes for the ski track
    client, _ = english(None)
    body = page(client, budget)
    assert "Funded: it was number 1 by votes, and when its turn came 6,000 € remained" in body
    assert "Not funded: after the 1 project above it, 2,000 € remained and it costs 3,000 €." in body
    assert "Funded although nobody voted for it: money remained (2,000 €)" in body
    assert "Projects were taken in order of votes, most first." in body
    winners = body[body.index('class="winner-list"'):body.index("</ol>")]
    assert winners.index("Kylätalon katto") < winners.index("Latu-ura") and "Uimarannan laituri" not in winners


def test_greedy_skips_a_first_project_that_costs_more_than_the_budget(app):
    e = tally.ProjectExplanation("7", Fraction(9000), votes=4, points=4, selected=False, order=None,
                                 reason=tally.SKIPPED_NOT_ENOUGH_MONEY, remaining_budget=Fraction(6000))
    with force_locale("en"):
        assert presentation.explain(e, tally.GREEDY, funded_above=0) == \
            "Not funded: it costs 9,000 €, more than the 6,000 € available."
        assert presentation.explain(e, tally.GREEDY, funded_above=4) == \
            "Not funded: after the 4 projects above it, 6,000 € remained and it costs 9,000 €."


def test_equal_shares_explanations_and_the_other_rule_side_by_side(make_budget, english):
    budget = make_budget(windows=CLOSED, tally_rule="mes", projects=(
        ("Kylätalon katto", Decimal("3000")), ("Uimarannan laituri", Decimal("3000")), ("Latu-ura", Decimal("3000"))))
    vote(budget, {0: 3, 1: 2, 2: 1})
    client, _ = english(None)
    body = page(client, budget)
    roof = table_row(body, "Kylätalon katto")
    assert "Funded: its 3 supporters could pay its cost with equal shares (each paid 1,000 €)." in roof
    pier = table_row(body, "Uimarannan laituri")
    assert ("Not funded: its supporters' shares could not cover its cost (they had 2,000 € left; it costs "
            "3,000 €).") in pier
    # Side by side: equal shares does not fund the pier, most votes first would.
    assert "Funded under equal shares" in body and "Funded under most votes first" in body
    assert re.search(r"Not funded .*Funded \(no\. 2\)", pier)
    assert "The two rules differ on 1 project." in body
    assert "divided equally among the 6 voters: 1,000 € each" in body


def test_equal_shares_with_completion_explains_the_kept_count(make_budget, english):
    budget = make_budget(windows=CLOSED, tally_rule="mes-completed", total=Decimal("5000"), projects=(
        ("Kylätalon katto", Decimal("3000")), ("Uimarannan laituri", Decimal("3000")), ("Latu-ura", Decimal("1600"))))
    vote(budget, {0: 3, 1: 2, 2: 1})
    client, _ = english(None)
    body = page(client, budget)
    assert "Funded: its 3 supporters could pay its cost with equal shares (each paid 1,000 €)." in body
    assert ("Not funded: its supporters' shares could not cover its cost (they had 2,998.67 € left; it costs "
            "3,000 €), and in the completion step only 2,000 € remained.") in table_row(body, "Uimarannan laituri")
    assert ("Funded in the completion step: money remained after equal shares (2,000 €, enough for its cost of "
            "1,600 €).") in table_row(body, "Latu-ura")
    assert "How equal shares with completion worked here" in body
    assert "The count that was kept gave each voter 1,499.33 €" in body
    assert "Both rules fund the same projects." in body


def test_cumulative_points_are_explained_per_point(make_budget, english):
    budget = make_budget(windows=CLOSED, tally_rule="mes", voting_rule="cumulative", points_total=5)
    a, b, _c = budget.projects
    for _ in range(4):
        store(budget, [(a, 3), (b, 2)])
    client, _ = english(None)
    body = page(client, budget)
    assert "<th scope=\"col\" class=\"number\">Points</th>" in body
    assert "per point given to it" in body


def test_a_vote_nobody_took_part_in(make_budget, english):
    client, _ = english(None)
    budget = make_budget(windows=CLOSED, tally_rule="mes-completed")
    body = page(client, budget)
    assert "0 ballots cast" in body and "Nobody voted, so equal shares could not fund anything." in body
    assert "Funded although nobody voted for it" in body  # the completion step spends the money all the same
    empty = make_budget(windows=CLOSED, projects=())
    body = page(client, empty)
    assert "No project was funded." in body
    assert client.get(f"/budgets/{empty.id}/results.csv").status_code == 200
    assert pabulib.parse_pb(client.get(f"/budgets/{empty.id}/ballots.pb").get_data(as_text=True)).projects == []


# --- statistics ------------------------------------------------------------------------------

def test_no_small_group_leaves_every_count_shown():
    assert suppress_small_groups({"village": 12, "sports": 5, "youth": 0}) == [
        GroupCount("village", 12), GroupCount("sports", 5), GroupCount("youth", 0)]


def test_a_small_group_and_one_more_are_hidden_so_the_total_does_not_tell():
    published = {g.key: g for g in suppress_small_groups({"village": 6, "sports": 2})}
    assert published["sports"] == GroupCount("sports", None, SMALL)
    assert published["village"] == GroupCount("village", None, PROTECTIVE)


def test_beside_a_small_group_an_empty_one_reads_fewer_than_five_too():
    # A 0 for youth would give the sports clubs' 2 away; hidden, 2 could be 2 + 0, 1 + 1 or 0 + 2.
    published = {g.key: g for g in suppress_small_groups({"village": 6, "sports": 2, "youth": 0})}
    assert published == {"village": GroupCount("village", 6), "sports": GroupCount("sports", None, SMALL),
                         "youth": GroupCount("youth", None, SMALL)}


def test_small_groups_that_cannot_be_told_apart_need_no_second_group():
    published = {g.key: g.status for g in suppress_small_groups({"village": 10, "sports": 3, "youth": 4,
                                                                  "culture": 8})}
    assert published == {"village": SHOWN, "sports": SMALL, "youth": SMALL, "culture": SHOWN}
    published = {g.key: g.status for g in suppress_small_groups({"village": 10, "sports": 1, "youth": 1})}
    assert published == {"village": SHOWN, "sports": SMALL, "youth": SMALL}


def test_the_protecting_group_is_one_whose_count_stays_unknown():
    # Hidden alone, the 4 sports clubs would be the total less the rest; with the 5 youth clubs (of 6) hidden
    # too, the 9 could be 4 + 5 or 3 + 6.
    limits = {"village": 20, "sports": 4, "youth": 6, "culture": 9}
    counts = {"village": 12, "sports": 4, "youth": 5, "culture": 9}
    published = {g.key: g.status for g in _check_published(counts, limits)}
    assert published == {"village": SHOWN, "sports": SMALL, "youth": PROTECTIVE, "culture": SHOWN}
    # All 5 culture clubs voted: hidden, their count would still be 5, so the 6 youth clubs protect instead.
    published = {g.key: g.status for g in _check_published({"culture": 5, "youth": 6, "sports": 1},
                                                           {"culture": 5, "youth": 40, "sports": 10})}
    assert published == {"culture": SHOWN, "youth": PROTECTIVE, "sports": SMALL}


def test_everything_is_withheld_when_nothing_else_protects_a_small_group():
    assert suppress_small_groups({"online": 3}) == [GroupCount("online", None, WITHHELD)]
    assert suppress_small_groups({"online": 3, "paper": 0}) == [
        GroupCount("online", None, SMALL), GroupCount("paper", None, SMALL)]


def _feasible(published: list[GroupCount], total: int, limits: dict, minimum: int = 5) -> list[set[int]]:
    """Every value each group can have, given what is published, the public limits and the total."""
    ranges = []
    for g in published:
        most = min(limits.get(g.key, total), total)
        if g.status == SHOWN:
            ranges.append([g.count])
        elif g.status == SMALL:
            ranges.append(range(0, min(minimum - 1, most) + 1))
        elif g.status == PROTECTIVE:
            ranges.append(range(minimum, most + 1))
        else:
            ranges.append(range(0, most + 1))
    values = [set() for _ in published]
    for combination in itertools.product(*ranges):
        if sum(combination) == total:
            for i, v in enumerate(combination):
                values[i].add(v)
    return values


def _check_published(counts: dict, limits: dict) -> list[GroupCount]:
    published = suppress_small_groups(counts, limits=limits)
    assert [g.key for g in published] == list(counts)
    values = _feasible(published, sum(counts.values()), limits)
    for g, possible, real in zip(published, values, counts.values()):
        assert real in possible
        if g.status == SHOWN:
            assert g.count == real and (real == 0 or real >= 5)
        elif g.status != WITHHELD:  # withheld: nothing more can be hidden (e.g. everyone of every kind voted)
            assert len(possible) > 1, (counts, limits, published)
    return published


def test_no_hidden_count_can_be_worked_out():
    """Every split of up to 8 voters into 3 groups, and of up to 6 into 4: what is hidden stays unknown."""
    cases = itertools.chain(itertools.product(range(0, 9), repeat=3), itertools.product(range(0, 7), repeat=4))
    for counts in (c for c in cases if sum(c)):
        _check_published(dict(zip("abcd", counts)), {})


def test_no_hidden_count_can_be_worked_out_with_public_limits():
    """The same when it is public how many could be in each group (the associations of each kind)."""
    rng = random.Random(4)
    for _ in range(3000):
        counts = {k: rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 12)) for k in "abc"}
        limits = {k: n + rng.choice((0, 0, 1, 3, 10)) for k, n in counts.items()}
        if sum(counts.values()):
            _check_published(counts, limits)
    # Both sports clubs voted: "fewer than 5" of 2 would not hide that; the village associations protect them.
    published = {g.key: g.status for g in suppress_small_groups({"village": 7, "sports": 2}, limits={"village": 12,
                                                                                                    "sports": 2})}
    assert published == {"village": PROTECTIVE, "sports": SMALL}
    published = {g.key: g.status for g in suppress_small_groups({"village": 7, "sports": 2}, limits={"village": 7,
                                                                                                    "sports": 2})}
    assert published == {"village": WITHHELD, "sports": WITHHELD}  # everyone voted: nothing left to hide


def make_kind_association(make_association, n, kind, active=True):
    return make_association(name=f"{kind} {n}", village="Kausala", kind=kind, is_active=active)


def test_turnout_by_kind_hides_small_groups_on_the_page(make_budget, make_association, english):
    budget = make_budget(windows=CLOSED, tally_rule="greedy")
    for n in range(7):
        store(budget, [(budget.projects[0], 1)], association=make_kind_association(make_association, n, "village"))
    for n in range(2):
        store(budget, [(budget.projects[1], 1)], association=make_kind_association(make_association, n, "sports"),
              channel="paper")
    make_kind_association(make_association, 5, "sports")  # eligible, did not vote: 2 of 3 sports clubs voted
    make_kind_association(make_association, 9, "youth")
    client, _ = english(None)
    body = page(client, budget)
    charts = body[body.index('id="chart-turnout-title"'):]
    table = charts[charts.index("<table"):charts.index("</table>")]

    def cells(label):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", next(r for r in table.split("<tr") if label in r)))

    # 9 - 7 leaves 2 for the sports clubs (at most 3) and the youth club (1): 2 + 0 or 1 + 1.
    assert re.search(r"Village association 7 7 100 %", cells("Village association"))
    assert re.search(r"Sports club fewer than 5 3 – ", cells("Sports club"))
    assert re.search(r"Youth fewer than 5 1 – ", cells("Youth"))
    assert "Turnout by association kind" in body
    # The paper ballots are 2 of 9: the channel split is suppressed the same way.
    assert "Online: not shown. On paper: fewer than 5." in body


# --- charts ----------------------------------------------------------------------------------

def test_charts_have_their_figures_and_tables(make_budget, make_association, english):
    budget = make_budget(windows=CLOSED)
    budget.projects[0].village = Village(name="Sitikkala", slug="sitikkala")
    db.session.commit()
    for n in range(6):
        store(budget, [(budget.projects[0], 1), (budget.projects[2], 1)],
              association=make_kind_association(make_association, n, "village"))
    client, _ = english(None)
    response = client.get(f"/budgets/{budget.id}/results")
    body = response.get_data(as_text=True)
    figures = {m.group(1): json.loads(html.unescape(m.group(2)))
               for m in re.finditer(r'<div class="chart-plot" id="([\w-]+)" data-figure="([^"]*)" aria-hidden="true">',
                                    body)}
    assert set(figures) == {"chart-votes", "chart-villages", "chart-turnout"}
    for figure in figures.values():
        assert figure["data"] and figure["config"]["displaylogo"] is False and figure["config"]["typesetMath"] is False
    votes = {trace["name"]: trace for trace in figures["chart-votes"]["data"]}
    assert votes["Funded"]["x"] and votes["Not funded"]["marker"]["pattern"]["shape"] == "/"
    assert "Sitikkala" in figures["chart-villages"]["data"][0]["x"]
    assert "Whole municipality" in figures["chart-villages"]["data"][0]["x"]
    for caption in ("Votes per project, and whether it was funded", "Money for funded projects by village",
                    "Ballots cast and eligible associations by kind"):
        assert f"<caption>{caption}</caption>" in body
    for heading in ("chart-votes-title", "chart-villages-title", "chart-turnout-title"):
        assert f'aria-labelledby="{heading}"' in body
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in body
    assert '<script src="/static/js/charts.js" defer></script>' in body
    assert "cdn" not in body.lower()
    assert "<script>" not in body and " style=" not in body


def test_chart_labels_escape_what_plotly_would_read_as_markup(make_budget, english):
    budget = make_budget(windows=CLOSED, projects=(("<b>Lähde</b>", Decimal("1000")),))
    store(budget, [(budget.projects[0], 1)])
    client, _ = english(None)
    body = client.get(f"/budgets/{budget.id}/results").get_data(as_text=True)
    figure = json.loads(html.unescape(re.search(r'id="chart-votes" data-figure="([^"]*)"', body).group(1)))
    labels = [label for trace in figure["data"] for label in trace["y"]]
    assert labels == ["&lt;b&gt;Lähde&lt;/b&gt;"]
    assert "<b>Lähde</b>" not in body


def _figures(client, budget) -> dict:
    body = client.get(f"/budgets/{budget.id}/results").get_data(as_text=True)
    return {m.group(1): json.loads(html.unescape(m.group(2)))
            for m in re.finditer(r'<div class="chart-plot" id="([\w-]+)" data-figure="([^"]*)"', body)}


def test_charts_are_built_once_per_count_and_language(make_budget, app, english, monkeypatch):
    """Building a Plotly figure is most of the page's time: the same numbers in the same language reuse it."""
    for cached in (charts._votes_chart, charts._village_chart, charts._turnout_chart):
        cached.cache_clear()
    built = []
    figure_json = charts.figure_json
    monkeypatch.setattr(charts, "figure_json", lambda figure: built.append(figure) or figure_json(figure))
    budget = make_budget(windows=CLOSED)
    vote(budget, {0: 2, 1: 1})
    client, _ = english(None)

    first = _figures(client, budget)
    assert len(built) == len(first) >= 2
    assert _figures(client, budget) == first and len(built) == len(first)  # the second visit builds nothing

    vote(budget, {2: 3})  # a counted paper batch, say: the same page must show the new numbers
    again = _figures(client, budget)
    assert len(built) > len(first)
    points = {label: x for trace in again["chart-votes"]["data"] for label, x in zip(trace["y"], trace["x"])}
    assert points == {"Kylätalon katto": 2, "Uimarannan laituri": 1, "Latu-ura": 3}

    before = len(built)
    finnish = app.test_client()
    in_finnish = _figures(finnish, budget)
    assert len(built) > before
    assert in_finnish["chart-votes"]["layout"]["xaxis"]["title"]["text"] == "Äänet"
    assert again["chart-votes"]["layout"]["xaxis"]["title"]["text"] == "Votes"


# --- open and secret ballots --------------------------------------------------------------------

def test_open_ballots_are_listed_and_secret_ones_are_not(make_budget, make_association, english):
    budget = make_budget(windows=CLOSED)
    association = make_association(name="Perheniemen kyläyhdistys", village="Perheniemi")
    store(budget, [(budget.projects[1], 1)], association=association)
    client, _ = english(None)
    body = page(client, budget)
    assert "How each voter voted" in body
    assert re.search(r"Perheniemen kyläyhdistys</a></th>\s*<td>Uimarannan laituri</td>", body)
    secret = make_budget(windows=CLOSED, secrecy="secret")
    store(secret, [(secret.projects[1], 1)], association=association)
    body = page(client, secret)
    assert "How each voter voted" not in body and "Perheniemen kyläyhdistys" not in body


# --- before the vote closes --------------------------------------------------------------------

@pytest.mark.parametrize("windows", [VOTING, UPCOMING])
def test_nothing_is_published_before_voting_ends(make_budget, english, windows):
    budget = make_budget(windows=windows)
    store(budget, [(budget.projects[0], 1)], receipt=RECEIPT)
    client, _ = english(None)
    body = page(client, budget)
    assert "The results are published here when voting ends: voting is open until" in body
    assert "Kylätalon katto" not in body and "chart-plot" not in body
    receipts = page(client, budget, f"receipts?code={RECEIPT}")
    assert "The receipts are published when voting ends" in receipts
    assert services.receipt_hash(RECEIPT) not in receipts and 'name="code"' not in receipts
    for suffix in ("results.csv", "ballots.pb", "receipts.txt"):
        assert client.get(f"/budgets/{budget.id}/{suffix}").status_code == 404


def test_unknown_budget_is_404(client):
    for suffix in ("results", "receipts", "results.csv", "ballots.pb", "receipts.txt"):
        assert client.get(f"/budgets/999/{suffix}").status_code == 404


# --- receipts ----------------------------------------------------------------------------------

def test_receipt_check(make_budget, english):
    budget = make_budget(windows=CLOSED)
    store(budget, [(budget.projects[0], 1)], receipt=RECEIPT)
    store(budget, [(budget.projects[1], 1)], channel="paper")
    client, _ = english(None)
    digest = services.receipt_hash(RECEIPT)
    body = page(client, budget, "receipts")
    assert digest in body and "1 receipt, in alphabetical order." in body
    body = page(client, budget, "receipts?code=abcd efgh-jklm npqr")
    assert "Your ballot was counted: its receipt is on the list below." in body
    assert f'<code class="is-yours">{digest}</code>' in body
    body = page(client, budget, "receipts?code=ABCD-EFGH-JKLM-NPQS")
    assert "No counted ballot has this receipt code." in body
    body = page(client, budget, "receipts?code=hello")
    assert "A receipt code has 16 letters and digits" in body and 'aria-invalid="true"' in body
    body = page(client, budget, "receipts?code=+")  # a space
    assert "Enter the receipt code you got when you voted." in body
    download = client.get(f"/budgets/{budget.id}/receipts.txt")
    assert download.status_code == 200 and download.mimetype == "text/plain"
    lines = [line for line in download.get_data(as_text=True).splitlines() if not line.startswith("#")]
    assert lines == [digest]


# --- downloads ---------------------------------------------------------------------------------

def test_results_csv(make_budget, english):
    budget = make_budget(windows=CLOSED, tally_rule="greedy", projects=(
        ("=Kylätalon katto", Decimal("4000")), ("Uimarannan laituri", Decimal("3000")), ("Latu-ura", Decimal("2000"))))
    vote(budget, {0: 3, 1: 2, 2: 1})
    client, _ = english(None)
    response = client.get(f"/budgets/{budget.id}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Project id", "Project", "Village", "Cost (€)", "Votes", "Funded under most votes first",
                       "Order", "Funded under equal shares with completion", "Explanation"]
    assert len(rows) == 4
    roof, pier, track = rows[1:]
    assert roof[:7] == [str(budget.projects[0].id), "'=Kylätalon katto", "Whole municipality", "4000.00", "3", "yes",
                        "1"]
    assert pier[5:7] == ["no", ""] and pier[8].startswith("Not funded: after the 1 project above it")
    assert track[5:7] == ["yes", "2"]


def _winner_titles(body: str) -> list[str]:
    winners = body[body.index('class="winner-list"'):]
    return re.findall(r'<span class="project-title">([^<]*)</span>', winners[:winners.index("</ol>")])


@pytest.mark.parametrize("settings", [
    {"tally_rule": "greedy"},
    {"tally_rule": "mes-completed", "secrecy": "secret"},
    {"tally_rule": "mes", "voting_rule": "cumulative", "points_total": 5},
])
def test_pb_download_recounts_to_the_page_winners(make_budget, english, settings):
    budget = make_budget(windows=CLOSED, total=Decimal("7000"), projects=(
        ("Kylätalon katto", Decimal("4000")), ("Uimarannan laituri", Decimal("3000")),
        ("Latu-ura; valaistus", Decimal("2000")), ("Kota", Decimal("1500.50"))), **settings)
    a, b, c, d = budget.projects
    points = 2 if settings.get("voting_rule") == "cumulative" else 1
    for picks in ([a, b], [a], [c, d], [b, c], [d], [], [a, d]):
        store(budget, [(p, points) for p in picks], receipt=None)
    client, _ = english(None)
    body = page(client, budget)
    response = client.get(f"/budgets/{budget.id}/ballots.pb")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert hashlib.sha256(raw).hexdigest() in body
    instance = pabulib.parse_pb(raw.decode("utf-8"))
    assert instance.meta["country"] == "Finland" and instance.meta["unit"] == "Iitti"
    assert instance.meta["num_votes"] == "7" and instance.meta["num_projects"] == "4"
    assert instance.meta["rule"] == presentation.PB_RULES[budget.tally_rule]
    assert instance.vote_type == ("cumulative" if points == 2 else "approval")
    assert [v.voter_id for v in instance.votes] == [str(n) for n in range(1, 8)]
    assert {p.id: p.cost for p in instance.projects}[str(d.id)] == Fraction("1500.5")
    recount = tally.tally(budget.tally_rule, *instance.tally_inputs())
    names = {p.id: p.name for p in instance.projects}
    assert [names[w] for w in recount.winners] == _winner_titles(body)
    # The same ballots give the same file, byte for byte.
    assert client.get(f"/budgets/{budget.id}/ballots.pb").get_data() == raw


def test_pb_import_round_trip(make_budget, make_consultation, make_user, english):
    budget = make_budget(windows=CLOSED, tally_rule="mes-completed", voting_rule="approval_max_n", max_projects=2)
    a, b, c = budget.projects
    for picks in ([a, b], [a], [c], [b, c], []):
        store(budget, [(p, 1) for p in picks])
    instance = pabulib.parse_pb(presentation.budget_to_pb(budget))
    coordinator = make_user("coordinator")
    consultation = make_consultation(windows=CLOSED)
    imported = presentation.pb_to_budget(instance, consultation, coordinator)
    assert imported.voting_rule == "approval_max_n" and imported.max_projects == 2
    assert imported.tally_rule == "mes-completed" and imported.secrecy == "secret" and imported.is_frozen
    assert [p.external_id for p in imported.projects] == [str(p.id) for p in budget.projects]
    assert services.turnout(imported).ballots == 5
    original = services.results(budget, "mes-completed")
    again = services.results(imported, "mes-completed")
    assert again.winners == original.winners and again.spent == original.spent
    keys = db.session.scalars(sa.select(BudgetParticipation.voter_key)
                              .where(BudgetParticipation.budget_id == imported.id)).all()
    assert sorted(keys) == [f"import:{n}" for n in range(1, 6)]
    # Exported again, the file names the projects as the original did (the voters come in a new random order).
    ballots = lambda pb: sorted(sorted(v.points.items()) for v in pabulib.parse_pb(pb).votes)
    assert ballots(presentation.budget_to_pb(imported)) == ballots(presentation.budget_to_pb(budget))


def test_pb_import_refuses_what_the_database_cannot_hold(make_consultation):
    pb_text = ("META\nkey;value\nbudget;100.005\nvote_type;approval\n"
             "PROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n1;1\n")
    with pytest.raises(pabulib.PabulibError, match="more than two decimals"):
        presentation.pb_to_budget(pabulib.parse_pb(pb_text), make_consultation(), None)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Budget)) == 0


# --- cache and queries -----------------------------------------------------------------------------

def test_casting_a_ballot_invalidates_the_cached_results(make_budget, make_user):
    budget = make_budget(windows=VOTING, tally_rule="greedy")
    first, second = make_user("representative"), make_user("representative")

    def cast(user, project):
        key = association_key(user.current_representations(date.today())[0].association_id)
        services.cast_ballot(user, budget.id, key, [(project.id, 1)], utcnow(), date.today())

    cast(first, budget.projects[0])
    db.session.refresh(budget)
    assert services.results(budget, "greedy").voter_count == 1
    digest = presentation.pb_sha256(budget)
    cached = db.session.scalars(sa.select(BudgetResultCache).where(BudgetResultCache.rule == "greedy")).one()
    assert cached.ballots_version == budget.ballots_version
    cast(second, budget.projects[1])
    db.session.refresh(budget)
    result = services.results(budget, "greedy")
    assert result.voter_count == 2 and result.explanations[budget.projects[1].pb_id].votes == 1
    db.session.refresh(cached)
    assert cached.ballots_version == budget.ballots_version
    assert presentation.pb_sha256(budget) != digest
    assert presentation.pb_sha256(budget) == hashlib.sha256(presentation.budget_to_pb(budget).encode()).hexdigest()


def _populated(make_budget, make_association, projects: int, ballots: int, tag: str):
    villages = [Village(name=f"{tag} kylä {n}", slug=f"{tag}-kyla-{n}") for n in range(4)]
    db.session.add_all(villages)
    budget = make_budget(windows=CLOSED, total=Decimal("50000"), title=tag,
                         projects=[(f"{tag} hanke {n}", Decimal(1000 + 250 * n)) for n in range(projects)])
    for n, project in enumerate(budget.projects):
        project.village = villages[n % 4] if n % 5 else None
    kinds = ("village", "sports", "culture", "youth", "other")
    associations = [make_association(name=f"{tag} yhdistys {n}", village="Kausala", kind=kinds[n % 5])
                    for n in range(ballots)]
    for n, association in enumerate(associations):
        picks = [budget.projects[(n * 7 + k) % projects] for k in range(min(3, projects))]
        store(budget, [(p, 1) for p in picks], association=association, receipt=None,
              channel="paper" if n % 4 == 0 else "online")
    return budget


def test_the_results_page_issues_a_bounded_number_of_queries(make_budget, make_association, english):
    small = _populated(make_budget, make_association, 3, 5, "pieni")
    large = _populated(make_budget, make_association, 30, 200, "suuri")
    client, _ = english(None)
    counts = {}
    for budget in (small, large):
        with count_queries() as cold:
            assert client.get(f"/budgets/{budget.id}/results").status_code == 200
        with count_queries() as warm:
            assert client.get(f"/budgets/{budget.id}/results").status_code == 200
        counts[budget.title] = (len(cold), len(warm))
    print(counts)
    assert counts["pieni"] == counts["suuri"], counts
    assert counts["suuri"][1] <= 20, counts
