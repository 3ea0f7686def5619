"""`flask pb tally`: recount a Pabulib file on the command line."""
import json
from fractions import Fraction
from pathlib import Path

import pytest

from app.budgets.cli import json_number

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pabulib"
APPROVAL_FILE = str(FIXTURES / "approval_crlf.pb")


def tally_json(runner, *args):
    result = runner.invoke(args=["pb", "tally", *args])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


@pytest.mark.parametrize("rule, winners, spent", [
    # Votes: 2 has 3, 1 and 10 have 2 each (10 is cheaper, so it comes first on the tie).
    ("greedy", ["2", "10", "1"], "1000.5"),
    # Equal shares: 200.10 per voter. 2 costs its 3 supporters 200 each; then 10 (0.25), paid by c and d;
    # 1 (400.25) finds its supporters a and d with 0.10 between them.
    ("mes", ["2", "10"], "600.25"),
    ("mes-completed", ["2", "10", "1"], "1000.5"),
])
def test_tally_prints_the_result_as_json(runner, rule, winners, spent):
    assert tally_json(runner, APPROVAL_FILE, "--rule", rule) == {
        "rule": rule, "budget": "1000.5", "winners": winners, "spent": spent}


def test_the_default_rule_is_mes_completed_and_whole_amounts_are_integers(runner):
    # Choose-1 with a byte-order mark on every line: 44250 (2000) has one vote, 44251 (5000) one; budget 5720.
    output = tally_json(runner, str(FIXTURES / "choose1_bom.pb"))
    assert list(output) == ["rule", "budget", "winners", "spent"]
    assert output == {"rule": "mes-completed", "budget": 5720, "winners": ["44250"], "spent": 2000}


def test_points_count_in_a_cumulative_file(runner):
    # A and B both have 4 points and cost 6: greedy funds both (A first by id) within the budget of 12.
    assert tally_json(runner, str(FIXTURES / "cumulative.pb"), "--rule", "greedy")["winners"] == ["A", "B"]


def test_a_missing_file_is_a_clear_error(runner, tmp_path):
    missing = tmp_path / "missing.pb"
    result = runner.invoke(args=["pb", "tally", str(missing)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == f"Error: cannot read {missing}: No such file or directory"


def test_a_malformed_file_gets_an_error_naming_the_line(runner, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n"
                    "VOTES\nvoter_id;vote\nv1;1,7\n", encoding="utf-8")
    result = runner.invoke(args=["pb", "tally", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {path}: line 10: voter 'v1' votes for unknown project '7'"
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_file_the_tally_cannot_count_is_an_error(runner):
    # The scoring fixture has a negative score, which no rule here can count.
    result = runner.invoke(args=["pb", "tally", str(FIXTURES / "scoring.pb")])
    assert result.exit_code == 1
    assert "line 11: voter '1' gives project 'q' negative points" in result.stderr


def test_a_directory_is_not_a_file(runner, tmp_path):
    result = runner.invoke(args=["pb", "tally", str(tmp_path)])
    assert result.exit_code == 1 and "is a directory" in result.stderr


def test_an_unknown_rule_is_a_usage_error(runner):
    result = runner.invoke(args=["pb", "tally", APPROVAL_FILE, "--rule", "borda"])
    assert result.exit_code == 2 and "borda" in result.stderr


def test_json_number_is_exact():
    assert json_number(Fraction(5720)) == 5720
    assert json_number(Fraction("1000.50")) == "1000.5"
    assert json_number(Fraction("0.05")) == "0.05"
    assert json_number(Fraction("-2.5")) == "-2.5"
    assert json_number(Fraction(1, 3)) == "1/3"


# --- import and export ------------------------------------------------------------------------

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib" / "Poland_Warszawa_2019_Aleksandrow.pb"


@pytest.fixture
def consultation(app):
    from app.consultations.models import Consultation
    from app.extensions import db

    consultation = Consultation(title="Tuodut äänestykset")
    db.session.add(consultation)
    db.session.commit()
    return consultation


@pytest.mark.parametrize("name", ["approval_crlf.pb", "cumulative.pb", "ordinal.pb"])
def test_import_then_export_recounts_the_same(runner, consultation, tmp_path, name):
    from app.budgets.models import Budget
    from app.extensions import db

    source = str(FIXTURES / name)
    result = runner.invoke(args=["pb", "import", source, "--consultation", str(consultation.id)])
    assert result.exit_code == 0, result.output
    [budget] = db.session.scalars(db.select(Budget)).all()
    assert f"Budget {budget.id}" in result.output
    exported = tmp_path / "out.pb"
    result = runner.invoke(args=["pb", "export", str(budget.id), "--output", str(exported)])
    assert result.exit_code == 0, result.output
    for rule in ("greedy", "mes", "mes-completed"):
        assert tally_json(runner, str(exported), "--rule", rule)["winners"] == \
            tally_json(runner, source, "--rule", rule)["winners"]


@pytest.mark.skipif(not REAL.exists(), reason="no real Pabulib files here")
def test_a_real_election_round_trips(runner, consultation, tmp_path):
    from app.budgets import services
    from app.budgets.models import Budget
    from app.extensions import db

    result = runner.invoke(args=["pb", "import", str(REAL), "--consultation", str(consultation.id)])
    assert result.exit_code == 0, result.output
    [budget] = db.session.scalars(db.select(Budget)).all()
    expected = tally_json(runner, str(REAL), "--rule", "greedy")
    assert services.results(services.get_budget(budget.id), "greedy").winners == expected["winners"]
    result = runner.invoke(args=["pb", "export", str(budget.id)])
    assert result.exit_code == 0 and result.output.startswith("META")


def test_import_errors_store_nothing(runner, consultation, tmp_path):
    from app.budgets.models import Budget, BudgetProject
    from app.extensions import db

    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\n"
                   "VOTES\nvoter_id;vote\n1;1,2\n")
    result = runner.invoke(args=["pb", "import", str(bad), "--consultation", str(consultation.id)])
    assert result.exit_code == 1 and "line" in result.output
    result = runner.invoke(args=["pb", "import", str(FIXTURES / "approval_crlf.pb"), "--consultation", "999999"])
    assert result.exit_code == 1 and "no consultation" in result.output
    assert db.session.scalars(db.select(Budget)).all() == []
    assert db.session.scalars(db.select(BudgetProject)).all() == []
    result = runner.invoke(args=["pb", "export", "999999"])
    assert result.exit_code == 1 and "no budget" in result.output
