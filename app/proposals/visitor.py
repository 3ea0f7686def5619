"""What the proposal pages remember of a visitor: the seed of their random order."""
import secrets

from flask import session

SEED_KEY = "proposal_order_seed"


def visitor_seed() -> int:
    """This visitor's seed for the random order: the same order on every page and every visit."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = secrets.randbits(60)
        session[SEED_KEY] = seed
    return seed
