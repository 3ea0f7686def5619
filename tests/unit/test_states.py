"""The proposal state machine."""
import pytest

from app.proposals.states import (
    FINAL_STATES,
    TRANSITIONS,
    Actor,
    ProposalState as S,
    TransitionError,
    check_transition,
    next_states,
)

ALL_MOVES = [(a, b) for a in S for b in S]


@pytest.mark.parametrize("source, target", ALL_MOVES)
@pytest.mark.parametrize("actor", list(Actor))
def test_every_move_for_every_actor(source, target, actor):
    allowed = actor in TRANSITIONS.get((source, target), frozenset())
    if allowed:
        check_transition(source, target, {actor})
    else:
        with pytest.raises(TransitionError):
            check_transition(source, target, {actor})


def test_lifecycle():
    assert next_states(S.SUBMITTED, {Actor.BOARD}) == [S.UNDER_REVIEW, S.REJECTED]
    assert next_states(S.SUBMITTED, {Actor.AUTHOR}) == [S.WITHDRAWN]
    assert next_states(S.UNDER_REVIEW, {Actor.BOARD}) == [S.ACCEPTED, S.REJECTED]
    assert next_states(S.ACCEPTED, {Actor.BOARD}) == [S.IMPLEMENTED]
    for final in FINAL_STATES:
        assert next_states(final, {Actor.BOARD, Actor.AUTHOR}) == []


def test_error_codes():
    with pytest.raises(TransitionError) as error:
        check_transition(S.SUBMITTED, S.SUBMITTED, {Actor.BOARD})
    assert error.value.code == "same_state"
    with pytest.raises(TransitionError) as error:
        check_transition(S.SUBMITTED, S.IMPLEMENTED, {Actor.BOARD})
    assert error.value.code == "not_a_transition"
    with pytest.raises(TransitionError) as error:
        check_transition(S.SUBMITTED, S.WITHDRAWN, {Actor.BOARD})
    assert error.value.code == "not_allowed_for_actor"
