"""Budget votes in a real browser: a representative casts an approval ballot with the running total and gets
a receipt, a cumulative ballot counts its points, and the results page shows the winners, why each project was
or was not funded, charts with their tables, and is keyboard usable; axe (WCAG 2.1 AA) on every page.

The coordinator's paper ballots are in test_budget_paper.py (keyed twice, compared, counted).
"""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.budgets import services
from app.budgets.rules import association_key
from app.directory.models import Village
from app.extensions import db
from app.timeutil import utcnow
from tests.browser.test_accessibility import axe_problems, visit
from tests.budget_helpers import CLOSED, ballots, choices, make_budget, participations  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD
from tests.proposal_helpers import make_consultation  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

RECEIPT = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
KNOWN_RECEIPT = "ABCD-EFGH-JKLM-NPQR"


def tick(page, title: str) -> None:
    """Tick or untick a project's box with the keyboard, as a person would."""
    page.get_by_label(title).focus()
    page.keyboard.press("Space")


def assert_no_problems(problems) -> None:
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def representative(make_user, make_association):
    association = make_association("Kausalan kyläyhdistys ry", village="Kausala")
    person = make_user("representative", name="Ville Edustaja", association=association)
    person.language = "en"  # text is matched in English; the Finnish page is checked with axe too
    db.session.commit()
    return person


def test_representative_casts_an_approval_ballot_and_gets_a_receipt(new_page, make_budget, representative,
                                                                   sign_in):
    budget = make_budget()  # 4 000 + 3 000 + 2 000 € in a 6 000 € budget
    roof, pier, track = budget.projects
    page = new_page(lang="en")
    sign_in(page, representative.email, PASSWORD)
    visit(page, f"/budgets/{budget.id}")
    problems = [axe_problems(page, "budget-ballot")]

    total = page.locator("#ballot-total")
    expect(total).to_have_attribute("aria-live", "polite")
    expect(total).to_have_text("Chosen: 0 € of 6,000 €. Left: 6,000 €.")
    tick(page, "Kylätalon katto")
    expect(total).to_have_text("Chosen: 4,000 € of 6,000 €. Left: 2,000 €.")
    tick(page, "Latu-ura")
    expect(total).to_have_text("Chosen: 6,000 € of 6,000 €. Left: 0 €.")
    tick(page, "Uimarannan laituri")  # 9 000 €: over the budget
    expect(total).to_have_text("Chosen: 9,000 €, which is 3,000 € over the budget of 6,000 €. Leave something out.")
    expect(total).to_have_class(re.compile(r"\bis-over\b"))
    problems.append(axe_problems(page, "budget-ballot-over"))
    tick(page, "Uimarannan laituri")
    expect(total).to_contain_text("Left:")
    expect(total).not_to_have_class(re.compile(r"\bis-over\b"))

    page.get_by_role("button", name="Cast the ballot").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/budgets/{budget.id}/voted$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot was recorded")
    code = page.locator(".receipt-code code").inner_text().strip()
    assert RECEIPT.match(code), code
    problems.append(axe_problems(page, "budget-receipt"))

    stored = ballots(budget.id)
    assert len(stored) == 1 and stored[0].channel == "online"
    assert stored[0].receipt_hash == services.receipt_hash(code)
    assert choices(budget.id) == sorted([(roof.id, 1), (track.id, 1)])
    (participation,) = participations(budget.id)
    assert participation.voter_key == association_key(representative.representations[0].association_id)
    assert stored[0].participation_id == participation.id  # an open ballot

    # In Finnish (the default language), the ballot again: it can be changed, and shows what was cast.
    page.get_by_role("navigation", name="Language").get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page).to_have_url(re.compile(rf"/budgets/{budget.id}$"))  # the receipt is shown only once
    expect(page.locator("#project-%d" % roof.id)).to_be_checked()
    expect(page.locator("#project-%d" % pier.id)).not_to_be_checked()
    expect(page.locator("#project-%d" % track.id)).to_be_checked()
    tick(page, "Latu-ura")  # the running total writes amounts as the page does beside each project
    roof_cost = page.locator(f"label[for=project-{roof.id}] .meta").inner_text()
    expect(total).to_contain_text(roof_cost)
    problems.append(axe_problems(page, "budget-ballot-fi"))
    assert_no_problems(problems)


def test_ballot_is_usable_with_the_keyboard_alone(new_page, make_budget, representative, sign_in):
    """Tab from the top of the page reaches every box and the button, in reading order; Space ticks."""
    budget = make_budget(projects=(("Kylätalon katto", Decimal("4000")), ("Uimarannan laituri", Decimal("1234.50")),
                                   ("Latu-ura", Decimal("2000"))))
    page = new_page(lang="en")
    sign_in(page, representative.email, PASSWORD)
    visit(page, f"/budgets/{budget.id}")
    wanted = [f"project-{p.id}" for p in budget.projects]
    stops = tab_stops(page, until="button[type=submit].button")
    reached = [s["id"] for s in stops if s["id"]]
    assert [i for i in reached if i in wanted] == wanted, stops
    assert stops[-1]["text"] == "Cast the ballot", stops
    page.keyboard.press("Shift+Tab")  # back from the button to the last box: the ski track
    page.keyboard.press("Space")
    page.keyboard.press("Shift+Tab")  # the pier, with cents
    page.keyboard.press("Space")
    expect(page.locator("#ballot-total")).to_have_text("Chosen: 3,234.50 € of 6,000 €. Left: 2,765.50 €.")


def test_cumulative_ballot_counts_the_points(new_page, make_budget, representative, sign_in):
    budget = make_budget(voting_rule="cumulative", points_total=10)
    roof, pier, track = budget.projects
    page = new_page(lang="en")
    sign_in(page, representative.email, PASSWORD)
    visit(page, f"/budgets/{budget.id}")
    total = page.locator("#ballot-total")
    expect(total).to_have_text("Points given: 0 of 10.")
    page.get_by_label("Kylätalon katto").fill("3")
    expect(total).to_have_text("Points given: 3 of 10.")
    page.get_by_label("Latu-ura").fill("4")
    expect(total).to_have_text("Points given: 7 of 10.")
    page.get_by_label("Uimarannan laituri").fill("5")
    expect(total).to_have_text("Points given: 12 of 10.")
    expect(total).to_have_class(re.compile(r"\bis-over\b"))
    problems = [axe_problems(page, "budget-ballot-cumulative")]
    page.get_by_label("Uimarannan laituri").fill("")
    expect(total).to_have_text("Points given: 7 of 10.")
    expect(total).not_to_have_class(re.compile(r"\bis-over\b"))
    page.get_by_role("button", name="Cast the ballot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ballot was recorded")
    assert choices(budget.id) == sorted([(roof.id, 3), (track.id, 4)])
    assert_no_problems(problems)


# --- results ---------------------------------------------------------------------------------

@pytest.fixture
def closed_budget(make_budget, make_association):
    """A closed greedy budget with six association ballots (one on paper), projects in two villages.

    Votes: roof 4, track 3, pier 2. Most votes first funds the roof (4 000 €) and the ski track (2 000 €);
    the pier (3 000 €) no longer fits in what is left.
    """
    budget = make_budget(windows=CLOSED, tally_rule="greedy")
    roof, pier, track = budget.projects
    villages = {}
    for name in ("Kausala", "Vuolenkoski"):
        villages[name] = db.session.scalar(sa.select(Village).where(Village.name == name)) or Village(
            name=name, slug=name.lower())
    roof.village, pier.village = villages["Kausala"], villages["Vuolenkoski"]
    db.session.commit()
    picks = [[roof, track], [roof, track], [roof, pier], [roof], [track, pier], []]
    now = utcnow() - timedelta(days=2)
    for number, projects in enumerate(picks, start=1):
        association = make_association(f"Kyläyhdistys {number} ry", village="Kausala")
        paper = number == 6
        services.store_ballot(budget, association_key(association.id), {p.id: 1 for p in projects}, now,
                              channel="paper" if paper else "online", association_id=association.id,
                              receipt=None if paper else (KNOWN_RECEIPT if number == 1 else services.new_receipt()))
    budget.ballots_version += 1
    db.session.commit()
    return budget


def tab_stops(page, until: str, limit: int = 150) -> list[dict]:
    """Press Tab from the top of the page until the element matching `until` has focus; each focused element."""
    page.locator("body").focus()
    page.evaluate("window.scrollTo(0, 0)")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""(until) => {
            const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className || "", href: e.getAttribute("href") || "",
                    text: (e.innerText || e.value || "").trim().slice(0, 80), done: e.matches(until),
                    caption: e.querySelector ? (e.querySelector("caption")?.innerText || "").trim() : ""};
        }""", until)
        stops.append(stop)
        if stop["done"]:
            return stops
    raise AssertionError(f"{until} was not reached with Tab in {limit} presses: {stops}")


def test_results_show_winners_explanations_and_charts(new_page, closed_budget):
    budget = closed_budget
    page = new_page(lang="en")
    visit(page, f"/budgets/{budget.id}/results")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Results: Kylärahat 2027")
    winners = page.locator(".winner-list > li")
    expect(winners).to_have_count(2)
    expect(winners.nth(0)).to_contain_text("Kylätalon katto")
    expect(winners.nth(1)).to_contain_text("Latu-ura")
    expect(main.get_by_role("definition").filter(has_text="6 ballots cast")).to_have_count(1)

    table = main.get_by_role("table", name=re.compile("^Every project"))
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    for title, funded in (("Kylätalon katto", True), ("Uimarannan laituri", False), ("Latu-ura", True)):
        row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=title))
        why = row.locator("td.why")
        expect(why).to_have_text(re.compile(r"^Funded: " if funded else r"^Not funded: "))
    pier = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Uimarannan laituri"))
    expect(pier.locator("td.why")).to_contain_text("after the 2 projects above it")

    # Plotly (served from /static/vendor) draws each chart; each has a table with the same numbers.
    for chart in ("chart-votes", "chart-villages", "chart-turnout"):
        plot = page.locator(f"#{chart}")
        expect(plot).to_have_class(re.compile(r"\bis-drawn\b"))
        expect(plot.locator("svg").first).to_be_attached()
        expect(plot).to_have_attribute("aria-hidden", "true")
        pair = page.locator(".chart-pair").filter(has=plot)
        expect(pair.locator(".chart-table table caption")).to_have_count(1)
    votes_table = main.get_by_role("table", name="Votes per project, and whether it was funded")
    expect(votes_table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Kylätalon katto"))
           ).to_contain_text("4")
    expect(main.get_by_role("table", name="Money for funded projects by village")).to_contain_text("Kausala")

    ballots_table = main.get_by_role("table", name="Each voter's ballot")
    expect(ballots_table.locator("tbody tr")).to_have_count(6)
    problems = [axe_problems(page, "budget-results")]

    finnish = page  # the same browser (its cache has Plotly), now in Finnish
    page.get_by_role("navigation", name="Language").get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(finnish.locator("#chart-votes")).to_have_class(re.compile(r"\bis-drawn\b"))
    problems.append(axe_problems(finnish, "budget-results-fi"))
    assert_no_problems(problems)


def test_results_page_is_usable_with_the_keyboard(new_page, closed_budget):
    """Tab reaches the scrollable tables (so they can be scrolled with arrow keys) and every download;
    the charts take no focus (they are hidden from screen readers, the tables say the same)."""
    budget = closed_budget
    page = new_page(lang="en")
    visit(page, f"/budgets/{budget.id}/results")
    expect(page.locator("#chart-turnout")).to_have_class(re.compile(r"\bis-drawn\b"))
    stops = tab_stops(page, until=f"a[href='/budgets/{budget.id}/ballots.pb']")
    captions = [s["caption"] for s in stops if s["tag"] == "table"]
    assert [c.split(":")[0].split(",")[0] for c in captions] == [
        "Every project", "Votes per project", "Money for funded projects by village",
        "Ballots cast and eligible associations by kind", "Each voter's ballot"], stops
    hrefs = [s["href"] for s in stops]
    for path in ("receipts", "results.csv", "ballots.pb"):
        assert f"/budgets/{budget.id}/{path}" in hrefs, stops
    assert not any(s["tag"] in ("svg", "rect", "path", "g") or "chart-plot" in str(s["cls"]) for s in stops), stops
    assert page.evaluate("document.querySelectorAll('.chart-plot [tabindex]:not([tabindex=\"-1\"])').length") == 0


def test_receipts_page_finds_a_counted_receipt(new_page, closed_budget):
    budget = closed_budget
    page = new_page()  # Finnish
    visit(page, f"/budgets/{budget.id}/receipts")
    expect(page.locator(".hash-list > li")).to_have_count(5)  # the paper ballot has no receipt
    problems = [axe_problems(page, "budget-receipts-fi")]
    page.locator("#code").fill(KNOWN_RECEIPT.lower().replace("-", " "))
    page.locator("#code").press("Enter")
    expect(page.locator(".hash-list code.is-yours")).to_have_text(services.receipt_hash(KNOWN_RECEIPT))
    expect(page.get_by_role("status")).to_be_visible()
    problems.append(axe_problems(page, "budget-receipts-found-fi"))

    english = new_page(lang="en")
    visit(english, f"/budgets/{budget.id}/receipts?code=ABCD")
    expect(english.locator("#code")).to_have_attribute("aria-invalid", "true")
    expect(english.locator("#code-error")).to_contain_text("A receipt code has 16 letters and digits")
    problems.append(axe_problems(english, "budget-receipts-error"))
    assert_no_problems(problems)
