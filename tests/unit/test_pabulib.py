"""The Pabulib `.pb` reader and writer: real-world variants, round trips, and errors that name the line."""
from fractions import Fraction
from pathlib import Path

import pytest

from app.budgets.pabulib import (
    APPROVAL, CHOOSE_1, CUMULATIVE, ORDINAL, SCORING, PabulibError, PbInstance, PbProject, PbVote, decode_pb,
    parse_pb, read_pb, to_tally_input, write_pb,
)
from app.budgets.tally import GREEDY, MES, MES_COMPLETED, Ballot, Project, tally

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pabulib"
PABULIB_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pabulib"
REAL_FILES = sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []
needs_real_files = pytest.mark.skipif(not REAL_FILES, reason=f"no Pabulib sample files in {PABULIB_DIR}")


def pb(meta: str = "budget;100\nvote_type;approval\n", projects: str = "project_id;cost\n1;10\n2;20\n",
       votes: str = "voter_id;vote\nv1;1,2\n") -> str:
    """A small .pb text; each argument is the section body (after the section name)."""
    return f"META\nkey;value\n{meta}PROJECTS\n{projects}VOTES\n{votes}"


# --- the fixture files: one per real-world variant ---------------------------------------------------

def test_approval_with_crlf_quotes_optional_columns_and_an_empty_vote():
    raw = (FIXTURES / "approval_crlf.pb").read_bytes()
    assert b"\r\n" in raw
    instance = parse_pb(raw.decode("utf-8"))
    assert instance.vote_type == APPROVAL
    assert instance.budget == Fraction("1000.50")
    assert instance.meta["description"] == 'Quoted; with a semicolon and "quotes"'
    assert instance.meta["unit"] == "Kylä"
    assert [(p.id, p.cost, p.name) for p in instance.projects] == [
        ("1", Fraction("400.25"), "Puisto; uusi penkki"), ("2", 600, "Kirjasto"),
        ("10", Fraction(1, 4), 'Pieni "testi"')]
    assert [dict(p.extra) for p in instance.projects] == [{"category": "green"}, {"category": "culture"},
                                                          {"category": ""}]
    assert [(v.voter_id, dict(v.points)) for v in instance.votes] == [
        ("a", {"1": 1, "2": 1}), ("b", {}), ("c", {"10": 1}), ("d", {"2": 1, "10": 1, "1": 1}), ("e", {"2": 1})]
    assert instance.votes[0].extra == {"voting_method": "internet"} and instance.votes[3].extra == {"voting_method": ""}
    assert [v.line for v in instance.votes] == [19, 20, 21, 22, 23]
    # Greedy: 2 (3 votes, 600) leaves 400.50; 10 and 1 have 2 votes each, so the cheaper 10 (0.25) comes
    # first, then 1 (400.25) takes the rest.
    result = tally(GREEDY, *instance.tally_inputs())
    assert result.winners == ["2", "10", "1"] and result.spent == Fraction("1000.50")


def test_choose_1_with_a_byte_order_mark_on_every_line():
    instance = read_pb(FIXTURES / "choose1_bom.pb")
    assert instance.vote_type == CHOOSE_1
    assert instance.meta == {"budget": "5720", "vote_type": "choose-1"}
    assert [p.id for p in instance.projects] == ["44250", "44251"]
    assert [dict(v.points) for v in instance.votes] == [{"44250": 1}, {"44251": 1}, {}]


def test_cumulative_points_and_an_empty_vote():
    instance = read_pb(FIXTURES / "cumulative.pb")
    assert instance.vote_type == CUMULATIVE and instance.meta["max_sum_points"] == "3"
    assert [dict(v.points) for v in instance.votes] == [{"A": 2, "B": 1}, {"B": 3}, {}, {"C": 1, "A": 2}]
    budget, project_list, ballots = to_tally_input(instance)
    assert budget == 12 and [p.cost for p in project_list] == [6, 6, Fraction(7, 2)]
    assert ballots[2] == Ballot({}) and ballots[3] == Ballot({"A": 2, "C": 1})
    # Points: A 4, B 4, C 1; A and B tie on cost and points, so the id decides.
    assert tally(GREEDY, budget, project_list, ballots).winners == ["A", "B"]


def test_ordinal_votes_keep_the_ranking_and_are_tallied_as_approval():
    instance = read_pb(FIXTURES / "ordinal.pb")
    assert instance.vote_type == ORDINAL
    assert [v.ranking for v in instance.votes] == [("z", "x", "y"), ("y",), ("x", "z")]
    budget, project_list, ballots = to_tally_input(instance)
    assert ballots == [Ballot.approval("zxy"), Ballot.approval("y"), Ballot.approval("xz")]
    assert [p.name for p in project_list] == ["X", "Y", "Z"]
    # Approvals: x 2, z 2, y 2; all tie on votes, so the cheapest first: z (30), y (40); x (50) no longer fits.
    assert tally(GREEDY, budget, project_list, ballots).winners == ["z", "y"]


def test_scoring_points_may_be_written_as_decimals_but_negative_points_cannot_be_tallied():
    instance = read_pb(FIXTURES / "scoring.pb")
    assert instance.vote_type == SCORING
    assert [dict(v.points) for v in instance.votes] == [{"p": 3, "q": -1}, {"q": 2}]
    with pytest.raises(PabulibError, match=r"^line 11: voter '1' gives project 'q' negative points \(-1\)"):
        instance.tally_inputs()
    positive = parse_pb(pb("budget;10\nvote_type;scoring\n", "project_id;cost\np;4\nq;5\n",
                           "voter_id;vote;points\n1;p,q;3,0\n2;q;2.0\n"))
    assert tally(GREEDY, *positive.tally_inputs()).winners == ["p", "q"]


# --- other real-world variants -----------------------------------------------------------------------

def test_sections_in_any_case_blank_lines_and_surrounding_spaces():
    instance = parse_pb("meta\nkey;value\n\nbudget; 100 \nvote_type;Approval\nProjects\nproject_id;cost\n"
                        " 1 ;10\n1x;5\n\nvotes\nvoter_id;vote\nv1; 1 , 1x \n")
    assert instance.vote_type == APPROVAL and instance.budget == 100
    assert [p.id for p in instance.projects] == ["1", "1x"]
    assert dict(instance.votes[0].points) == {"1": 1, "1x": 1}


def test_a_quoted_field_may_span_lines_and_later_line_numbers_stay_right():
    text = pb(projects='project_id;cost;name\n1;10;"two\nlines"\n2;x\n')
    with pytest.raises(PabulibError, match=r"^line 9: cost of project '2' 'x' is not a number"):
        parse_pb(text)
    instance = parse_pb(text.replace("2;x", "2;20"))
    assert instance.projects[0].name == "two\nlines"


def test_optional_columns_may_be_missing_or_empty_at_the_end_of_a_row():
    instance = parse_pb(pb(projects="project_id;cost;name;category\n1;10;Kota\n2;20;Latu;sport;\n",
                           votes="voter_id;vote;age;sex\nv1;1\nv2;2;40;F;;\n"))
    assert [p.name for p in instance.projects] == ["Kota", "Latu"]
    assert instance.projects[0].extra == {"category": ""}
    assert [dict(v.extra) for v in instance.votes] == [{"age": "", "sex": ""}, {"age": "40", "sex": "F"}]


def test_meta_variants():
    # A value with an unquoted ";" (free text), a decimal comma, and a META section without its header row.
    instance = parse_pb("META\ndescription;Kylä; kesä 2026\nbudget;1500,50\nvote_type;approval\n"
                        "PROJECTS\nproject_id;cost\n1;2,5\nVOTES\nvoter_id;vote\n")
    assert instance.meta["description"] == "Kylä; kesä 2026"
    assert instance.budget == Fraction("1500.5") and instance.projects[0].cost == Fraction(5, 2)
    assert instance.votes == []


def test_votes_may_all_be_empty():
    instance = parse_pb(pb(votes="voter_id;vote\nv1;\nv2;\n"))
    assert [dict(v.points) for v in instance.votes] == [{}, {}]
    for rule in (GREEDY, MES, MES_COMPLETED):
        tally(rule, *instance.tally_inputs())


def test_decode_pb_names_the_line_of_bytes_that_are_not_utf8():
    assert decode_pb("META\n".encode()) == "META\n"
    with pytest.raises(PabulibError, match=r"^line 3: the file is not UTF-8 text"):
        decode_pb(b"META\nkey;value\ndescription;Kyl\xe4\n")


# --- malformed files: each error names the line ------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    (pb().split("VOTES")[0], r"^line 9 \(end of file\): the file has no VOTES section"),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nVOTES\nvoter_id;vote\n",
     r"^line 5: VOTES section where PROJECTS was expected"),
    ("PROJECTS\nproject_id;cost\n1;10\n", r"^line 1: PROJECTS section where META was expected"),
    ("budget;100\n" + pb(), r"^line 1: data before the META section"),
    (pb() + "PROJECTS\nproject_id;cost\n", r"^line 12: a second PROJECTS section"),
    ("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nVOTES\nvoter_id;vote\n",
     r"^line 6: the PROJECTS section has no header row"),
    (pb(meta="vote_type;approval\n"), r"^line 2: META has no budget"),
    (pb(meta="budget;lots\nvote_type;approval\n"), r"^line 3: budget 'lots' is not a number"),
    (pb(meta="budget;0\nvote_type;approval\n"), r"^line 3: budget must be positive"),
    (pb(meta="budget;100\n"), r"^line 2: META has no vote_type"),
    (pb(meta="budget;100\nvote_type;approval\nbudget;200\n"), r"^line 5: META repeats the key 'budget'"),
    (pb(meta="budget;100\nvote_type;borda\n"), r"^line 4: unknown vote_type 'borda'"),
    (pb(votes="voter_id;vote\nv1;1,3\n"), r"^line 11: voter 'v1' votes for unknown project '3'"),
    (pb(projects="project_id;cost\n1;10\n2;ten\n"), r"^line 8: cost of project '2' 'ten' is not a number"),
    (pb(projects="project_id;cost\n1;10\n2;1/2\n"), r"^line 8: cost of project '2' '1/2' is not a number"),
    (pb(projects="project_id;cost\n1;0\n2;20\n"), r"^line 7: cost of project '1' must be positive, got '0'"),
    (pb(projects="project_id;cost\n1;10\n2;-5\n"), r"^line 8: cost of project '2' must be positive, got '-5'"),
    (pb(projects="project_id;cost\n1;10\n2;20\n1;30\n"), r"^line 9: project '1' appears twice"),
    (pb(projects="project_id;cost\n1;10\n;20\n"), r"^line 8: a project without a project_id"),
    (pb(projects="project_id;name\n1;Kota\n"), r"^line 6: the PROJECTS header has no 'cost' column"),
    (pb(projects="project_id;cost\n1;10;Kota\n"), r"^line 7: 3 fields but the header has 2"),
    (pb(votes="voter_id;vote\nv1;1\nv1;2\n"), r"^line 12: voter 'v1' appears twice"),
    (pb(votes="voter_id;vote\nv1;1,1\n"), r"^line 11: voter 'v1' names a project twice"),
    (pb(meta="budget;100\nvote_type;choose-1\n"), r"^line 11: a choose-1 vote names 2 projects"),
    (pb(meta="budget;100\nvote_type;cumulative\n", votes="voter_id;vote;points\nv1;1,2;3\n"),
     r"^line 11: 2 projects but 1 points"),
    (pb(meta="budget;100\nvote_type;cumulative\n", votes="voter_id;vote;points\nv1;1,2;1,1,1\n"),
     r"^line 11: 2 projects but 3 points"),
    (pb(meta="budget;100\nvote_type;cumulative\n", votes="voter_id;vote;points\nv1;1;1.5\n"),
     r"^line 11: points '1.5' are not a whole number"),
    (pb(meta="budget;100\nvote_type;scoring\n", votes="voter_id;vote;points\nv1;1;many\n"),
     r"^line 11: points 'many' are not a number"),
    (pb(meta="budget;100\nvote_type;cumulative\n"), r"^line 10: the VOTES header has no 'points' column"),
])
def test_malformed_files_get_an_error_naming_the_line(text, message):
    with pytest.raises(PabulibError, match=message):
        parse_pb(text)
    # The same with Windows line ends: the same line numbers.
    with pytest.raises(PabulibError, match=message):
        parse_pb(text.replace("\n", "\r\n"))


def test_pabulib_error_is_a_value_error():
    assert issubclass(PabulibError, ValueError)


# --- writing, and round trips ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.pb")))
def test_fixture_files_survive_a_round_trip(name):
    instance = read_pb(FIXTURES / name)
    text = write_pb(instance)
    again = parse_pb(text)
    assert again.projects == instance.projects and again.votes == instance.votes
    assert again.vote_type == instance.vote_type
    assert {k: v for k, v in again.meta.items() if k not in ("num_projects", "num_votes")} == {
        k: v for k, v in instance.meta.items() if k not in ("num_projects", "num_votes")}
    assert write_pb(again) == text


def test_write_then_parse_gives_back_the_instance():
    instance = PbInstance(
        meta={"description": 'Kylä; "uusi"', "country": "Finland", "num_projects": "2", "num_votes": "3",
              "budget": "1000.5", "vote_type": "cumulative"},
        projects=[PbProject("10", Fraction("400.25"), "Puisto; penkki", {"category": "green"}),
                  PbProject("2", Fraction(600), 'Kirjasto "Kirja"', {"category": ""})],
        votes=[PbVote("1", {"10": 2, "2": 1}, extra={"voting_method": "paper"}),
               PbVote("2", {}, extra={"voting_method": ""}),
               PbVote("3", {"2": 3}, extra={"voting_method": "internet"})],
        vote_type=CUMULATIVE)
    text = write_pb(instance)
    assert text.splitlines()[:3] == ["META", "key;value", 'description;"Kylä; ""uusi"""']
    assert "10;400.25;\"Puisto; penkki\";green" in text.splitlines()
    assert "voter_id;vote;points;voting_method" in text.splitlines()
    assert "1;10,2;2,1;paper" in text.splitlines()
    assert parse_pb(text) == instance


def test_write_keeps_the_ordinal_ranking_and_counts():
    instance = PbInstance({"budget": "100", "vote_type": "ordinal"},
                          [PbProject("x", Fraction(50)), PbProject("y", Fraction(40))],
                          [PbVote("1", {"x": 1, "y": 1}, ("y", "x")), PbVote("2", {"x": 1})], ORDINAL)
    again = parse_pb(write_pb(instance))
    assert [v.ranking for v in again.votes] == [("y", "x"), ("x",)]
    assert again.meta["num_projects"] == "2" and again.meta["num_votes"] == "2"


@pytest.mark.parametrize("instance, message", [
    (PbInstance({"budget": "1"}, [PbProject("1", Fraction(1, 3))], [], APPROVAL),
     r"cost of project '1' 1/3 has no exact decimal form"),
    (PbInstance({"budget": "1"}, [PbProject("1", Fraction(1), "two\nlines")], [], APPROVAL), "line break"),
    (PbInstance({"budget": "1"}, [PbProject("1", Fraction(1))], [PbVote("v", {"1": 2})], APPROVAL),
     "voter 'v' gives points other than 1"),
])
def test_write_refuses_what_the_format_cannot_hold(instance, message):
    with pytest.raises(PabulibError, match=message):
        write_pb(instance)


# --- the real files ----------------------------------------------------------------------------------

REAL_VOTE_TYPES = {
    "Switzerland_Zurich_D5": CUMULATIVE, "Poland_Krakow_2018_Bienczyce": ORDINAL,
    "Netherlands_Amsterdam_643": CHOOSE_1, "France_Toulouse_2019": CUMULATIVE,
    "Poland_Warszawa_2019_Aleksandrow": APPROVAL, "Netherlands_Amsterdam_179": APPROVAL,
}


@needs_real_files
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_every_real_file_parses(path):
    instance = read_pb(path)
    assert instance.vote_type == REAL_VOTE_TYPES.get(path.stem, instance.vote_type)
    assert int(instance.meta["num_projects"]) == len(instance.projects)
    assert int(instance.meta["num_votes"]) == len(instance.votes)
    assert instance.budget > 0 and all(p.cost > 0 for p in instance.projects)
    ids = {p.id for p in instance.projects}
    assert all(set(v.points) <= ids for v in instance.votes)
    # The "votes" column some files carry agrees with the ballots.
    if all("votes" in p.extra for p in instance.projects):
        counted = {p.id: sum(p.id in v.points for v in instance.votes) for p in instance.projects}
        assert {p.id: int(p.extra["votes"]) for p in instance.projects} == counted
    budget, project_list, ballots = instance.tally_inputs()
    assert len(ballots) == len(instance.votes) and all(isinstance(p, Project) for p in project_list)
    assert tally(GREEDY, budget, project_list, ballots).spent <= budget
    again = parse_pb(write_pb(instance))
    assert again.projects == instance.projects and again.votes == instance.votes
