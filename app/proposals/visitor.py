"""What the proposal pages remember of a visitor: the seed of their random order."""
import secrets

from flask import session

from app import pagecache

SEED_KEY = pagecache.SEED_KEY
# The random order is one of this many shuffles. For fairness that is as good as a new shuffle per visitor (every
# proposal's place is equally likely to be anywhere), and it lets the page cache keep one copy of each.
SEEDS = 64


def visitor_seed() -> int:
    """This visitor's seed for the random order: the same order on every page and every visit."""
    seed = session.get(SEED_KEY)
    if not isinstance(seed, int) or not 0 <= seed < SEEDS:
        seed = secrets.randbelow(SEEDS)
        session[SEED_KEY] = seed
    pagecache.vary_on_seed(seed)
    return seed
