"""Paper-ballot entries and the comparison of two keyings: plain Python, no app."""
import pytest

from app.budgets.double_entry import (
    CHOICES,
    MISSING_IN_FIRST,
    MISSING_IN_SECOND,
    VOTER,
    Entry,
    Mismatch,
    choice_pairs,
    compare_rounds,
    format_choices,
    normalise_register_number,
    parse_association_ref,
    parse_choices,
    parse_round,
    parse_sequence,
)
from app.budgets.rules import BallotError


def refused(code, function, *args):
    with pytest.raises(BallotError) as error:
        function(*args)
    assert error.value.code == code
    return error.value


# --- reading the fields --------------------------------------------------------------------

@pytest.mark.parametrize("text, number", [("1", 1), (" 42 ", 42), ("007", 7), ("999999", 999_999)])
def test_sequence_is_a_whole_number_from_one(text, number):
    assert parse_sequence(text) == number


@pytest.mark.parametrize("text", ["", None, "0", "-3", "1.5", "12a", "1000000", "١٢", "²", "9" * 5000,
                                  "0" * 5000 + "1" + "0" * 7])
def test_bad_sequence_refused(text):
    assert refused("paper_bad_sequence", parse_sequence, text).params == {"maximum": 999_999}


def test_leading_zeros_do_not_make_a_number_too_long():
    assert parse_sequence("0" * 5000 + "5") == 5


@pytest.mark.parametrize("text, entry_round", [("1", 1), ("2", 2)])
def test_round(text, entry_round):
    assert parse_round(text) == entry_round


@pytest.mark.parametrize("text", ["", "0", "3", "x", None])
def test_bad_round_refused(text):
    refused("paper_bad_round", parse_round, text)


def test_register_number_is_normalised():
    assert normalise_register_number("  a 12 ") == "A 12"
    assert normalise_register_number("a\t 12") == normalise_register_number("A 12")
    assert normalise_register_number("A12") != normalise_register_number("A 12")


def test_register_number_refusals():
    refused("paper_register_number_required", normalise_register_number, "   ")
    refused("paper_register_number_required", normalise_register_number, None)
    assert refused("paper_register_number_too_long", normalise_register_number, "1" * 41).params == {"max": 40}
    refused("paper_register_number_bad", normalise_register_number, "A\x0012")


def test_association_ref():
    assert parse_association_ref("17") == 17
    for text in ("", "0", "x", "-1", None):
        refused("paper_unknown_association", parse_association_ref, text)


def test_approval_choices_are_the_ticked_projects():
    assert choice_pairs(False, [1, 2, 3], ["3", "1"], {}) == [(3, 1), (1, 1)]
    assert choice_pairs(False, [1, 2, 3], [], {}) == []  # a blank ballot
    refused("unknown_project", choice_pairs, False, [1, 2], ["1", "x"], {})


def test_cumulative_choices_are_the_numbers_written():
    assert choice_pairs(True, [1, 2, 3], ["1"], {1: " 3 ", 2: "", 3: "0"}) == [(1, 3), (3, 0)]
    assert choice_pairs(True, [1, 2], [], {}) == []
    refused("bad_points", choice_pairs, True, [1], [], {1: "-1"})
    refused("bad_points", choice_pairs, True, [1], [], {1: "1.5"})
    refused("bad_points", choice_pairs, True, [1], [], {1: "1234567"})


def test_choices_text_round_trip():
    assert format_choices({5: 1, 2: 3, 9: 0}) == "2:3,5:1"
    assert format_choices({}) == ""
    assert parse_choices("2:3,5:1") == {2: 3, 5: 1}
    assert parse_choices("") == {}
    assert parse_choices(format_choices({10: 2, 9: 1})) == {9: 1, 10: 2}
    for bad in ("2", "2:x", "a:1", "2:1,2:3"):
        with pytest.raises(ValueError):
            parse_choices(bad)


# --- comparing two keyings -----------------------------------------------------------------

def entry(sequence, voter="7", **choices):
    return Entry(sequence, voter, {int(p[1:]): n for p, n in choices.items()})


def test_identical_rounds_agree():
    first = [entry(1, p1=1, p2=1), entry(2, "8"), entry(3, "9", p3=1)]
    second = list(reversed([entry(1, p2=1, p1=1), entry(2, "8"), entry(3, "9", p3=1)]))
    assert compare_rounds(first, second) == []
    assert compare_rounds([], []) == []


def test_zero_points_are_no_choice():
    assert compare_rounds([entry(1, p1=2, p2=0)], [entry(1, p1=2)]) == []


def test_ballot_keyed_in_one_round_only():
    a, b = entry(1), entry(2, "8")
    assert compare_rounds([a, b], [a]) == [Mismatch(2, MISSING_IN_SECOND, b, None)]
    assert compare_rounds([a], [a, b]) == [Mismatch(2, MISSING_IN_FIRST, None, b)]


def test_round_two_missing_entirely_lists_every_ballot():
    first = [entry(3), entry(1, "8")]
    assert [(m.sequence, m.kind) for m in compare_rounds(first, [])] == [(1, MISSING_IN_SECOND),
                                                                        (3, MISSING_IN_SECOND)]


def test_different_voter():
    a, b = entry(4, "7", p1=1), entry(4, "70", p1=1)
    assert compare_rounds([a], [b]) == [Mismatch(4, VOTER, a, b)]


def test_different_choices_name_the_projects_that_differ():
    a, b = entry(4, p1=1, p2=1, p5=2), entry(4, p2=1, p3=1, p5=3)
    assert compare_rounds([a], [b]) == [Mismatch(4, CHOICES, a, b, (1, 3, 5))]


def test_blank_against_marked_ballot():
    a, b = entry(2), entry(2, p6=1)
    assert compare_rounds([a], [b]) == [Mismatch(2, CHOICES, a, b, (6,))]


def test_voter_and_choices_both_differ():
    a, b = entry(1, "7", p1=1), entry(1, "8", p2=1)
    assert [m.kind for m in compare_rounds([a], [b])] == [VOTER, CHOICES]


def test_every_mismatch_in_ballot_number_order():
    first = [entry(5, p1=1), entry(2, "8"), entry(9, "9"), entry(1, "1")]
    second = [entry(1, "1"), entry(2, "80"), entry(5, p2=1), entry(7, "3")]
    assert [(m.sequence, m.kind) for m in compare_rounds(first, second)] == [
        (2, VOTER), (5, CHOICES), (7, MISSING_IN_FIRST), (9, MISSING_IN_SECOND)]


def test_a_ballot_number_twice_in_one_round_is_a_programming_error():
    with pytest.raises(ValueError):
        compare_rounds([entry(1), entry(1, "8")], [])
