"""The proposal state machine. Plain Python: no Flask, no database."""
from enum import StrEnum


class ProposalState(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    IMPLEMENTED = "implemented"


class Actor(StrEnum):
    AUTHOR = "author"
    BOARD = "board"  # a board member or coordinator


# Which state may follow which, and who may make the move.
TRANSITIONS: dict[tuple[ProposalState, ProposalState], frozenset[Actor]] = {
    (ProposalState.SUBMITTED, ProposalState.UNDER_REVIEW): frozenset({Actor.BOARD}),
    (ProposalState.SUBMITTED, ProposalState.REJECTED): frozenset({Actor.BOARD}),
    (ProposalState.SUBMITTED, ProposalState.WITHDRAWN): frozenset({Actor.AUTHOR}),
    (ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED): frozenset({Actor.BOARD}),
    (ProposalState.UNDER_REVIEW, ProposalState.REJECTED): frozenset({Actor.BOARD}),
    (ProposalState.UNDER_REVIEW, ProposalState.WITHDRAWN): frozenset({Actor.AUTHOR}),
    (ProposalState.ACCEPTED, ProposalState.IMPLEMENTED): frozenset({Actor.BOARD}),
}

FINAL_STATES = frozenset({ProposalState.REJECTED, ProposalState.WITHDRAWN, ProposalState.IMPLEMENTED})


class TransitionError(ValueError):
    """A move the state machine does not allow; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def next_states(current: ProposalState, actors: set[Actor]) -> list[ProposalState]:
    """The states these actors may move a proposal to from `current`, in definition order."""
    return [target for (source, target), allowed in TRANSITIONS.items()
            if source == current and allowed & actors]


def check_transition(current: ProposalState, target: ProposalState, actors: set[Actor]) -> None:
    """Raise TransitionError unless one of `actors` may move the proposal from `current` to `target`."""
    if current == target:
        raise TransitionError("same_state")
    allowed = TRANSITIONS.get((ProposalState(current), ProposalState(target)))
    if allowed is None:
        raise TransitionError("not_a_transition")
    if not allowed & actors:
        raise TransitionError("not_allowed_for_actor")
