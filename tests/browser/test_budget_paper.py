"""Paper ballots in a real browser: two coordinators key a batch twice with the keyboard, resolve the
difference and count it; axe (WCAG 2.1 AA) on every paper-ballot page, and reflow at 320 px."""
import pytest

from app.extensions import db
from tests.browser.test_accessibility import axe_problems, horizontal_overflow, visit
from tests.budget_helpers import ballots, make_budget  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD
from tests.proposal_helpers import make_consultation  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def scene(make_budget, make_user, make_association):
    budget = make_budget(double_entry=True)
    voters = [make_association(name) for name in ("Kausalan kyläyhdistys ry", "Iitin Pallo ry")]
    first = make_user("coordinator", name="Kaisa Koordinaattori")
    second = make_user("coordinator", name="Olli Toinen")
    for person in (first, second):
        person.language = "en"
    db.session.commit()
    return {"budget": budget, "voters": voters, "first": first, "second": second}


def key_ballot(page, sequence: str, association: str, projects=()):
    """Key one paper ballot with the keyboard: type, Tab between fields, Space ticks, Enter sends."""
    page.get_by_label("Ballot number").fill(sequence)
    page.keyboard.press("Tab")
    page.get_by_label("Voting association").select_option(label=association)
    for title in projects:
        page.get_by_label(title).focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Save the paper ballot").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Paper ballot number {sequence} was saved")


def test_double_entry_with_two_coordinators(new_page, scene, sign_in):
    budget = scene["budget"]
    problems = []
    first = new_page(lang="en")
    sign_in(first, scene["first"].email, PASSWORD)
    visit(first, f"/budgets/{budget.id}/paper")
    problems.append(axe_problems(first, "paper-batches"))
    first.get_by_role("button", name="Create the batch").click()  # no name: refused
    expect(first.get_by_role("alert")).to_contain_text("Give the batch a name")
    problems.append(axe_problems(first, "paper-batches-errors"))
    first.get_by_label("Name of the batch").fill("Kausalan kirjasto, laatikko 1")
    first.get_by_role("button", name="Create the batch").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Kausalan kirjasto, laatikko 1")
    key_ballot(first, "1", "Kausalan kyläyhdistys ry", ["Kylätalon katto"])
    key_ballot(first, "2", "Iitin Pallo ry", ["Latu-ura"])
    # The running total helps while keying: three projects over the budget.
    for title in ("Kylätalon katto", "Uimarannan laituri", "Latu-ura"):
        first.get_by_label(title).check()
    expect(first.locator("#ballot-total")).to_contain_text("over the budget")
    first.get_by_label("Ballot number").fill("3")
    first.get_by_label("Voting association").select_option(label="Iitin Pallo ry")
    first.get_by_role("button", name="Save the paper ballot").click()
    expect(first.get_by_role("alert")).to_contain_text("more than the budget")
    problems.append(axe_problems(first, "paper-batch-errors"))

    second = new_page(lang="en")
    sign_in(second, scene["second"].email, PASSWORD)
    visit(second, f"/budgets/{budget.id}/paper")
    second.get_by_role("link", name="Kausalan kirjasto, laatikko 1").click()
    expect(second.get_by_role("heading", level=2, name="Key in a paper ballot: round 2")).to_be_visible()
    key_ballot(second, "1", "Kausalan kyläyhdistys ry", ["Kylätalon katto"])
    key_ballot(second, "2", "Iitin Pallo ry", ["Uimarannan laituri"])  # keyed wrong
    problems.append(axe_problems(second, "paper-batch"))
    second.get_by_role("button", name="Count this batch").click()
    expect(second.get_by_role("status")).to_contain_text("The two keyings still differ (differences: 1)")
    problems.append(axe_problems(second, "paper-compare"))
    second.get_by_role("link", name="Correct ballot 2 in round 2").click()
    problems.append(axe_problems(second, "paper-correct"))
    second.get_by_label("Uimarannan laituri").uncheck()
    second.get_by_label("Latu-ura").check()
    second.get_by_role("button", name="Save the correction").click()
    expect(second.get_by_text("The two keyings agree. The batch can be counted.")).to_be_visible()
    second.get_by_role("button", name="Count this batch").click()
    expect(second.get_by_role("status")).to_contain_text("2 paper ballots were added to the vote")
    problems.append(axe_problems(second, "paper-batch-counted"))
    assert len(ballots(budget.id)) == 2

    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def test_paper_pages_reflow_at_320_px(new_page, scene, sign_in):
    from app.budgets import paper_services
    from app.timeutil import utcnow

    budget, coordinator = scene["budget"], scene["first"]
    batch = paper_services.create_batch(coordinator, budget, "Laatikko 1", utcnow())
    entry = paper_services.add_entry(coordinator, budget, batch.id, 1, 1, str(scene["voters"][0].id),
                                     [(budget.projects[0].id, 1)], utcnow())
    page = new_page(lang="en", width=320, height=640)
    sign_in(page, coordinator.email, PASSWORD)
    problems = []
    base = f"/budgets/{budget.id}/paper"
    for path in (base, f"{base}/{batch.id}", f"{base}/{batch.id}/compare",
                 f"{base}/{batch.id}/entries/{entry.id}/edit"):
        visit(page, path)
        problems.append(horizontal_overflow(page))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
