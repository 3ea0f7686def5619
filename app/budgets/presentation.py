"""What the results pages show: a budget's tally turned into rows and plain-language explanations, statistics
that never show a group of fewer than five voters, and the CSV, receipt-list and Pabulib `.pb` files.

The row builders and the suppression of small groups are plain Python over the tally's numbers (the texts are
translated with flask_babel, so they need a request or app context for the language). `budget_to_pb`,
`pb_sha256` and `pb_to_budget` read or write the database: they are the `.pb` export and import that the
results page, `flask pb export` and `flask pb import` share.
"""
import csv
import hashlib
import io
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext as _, ngettext

from app.audit.services import record
from app.budgets import pabulib, services, tally
from app.budgets.messages import TALLY_RULE_SHORT_LABELS
from app.budgets.models import (
    BallotChoice,
    Budget,
    BudgetBallot,
    BudgetParticipation,
    BudgetProject,
    BudgetResultCache,
    Channel,
    Electorate,
    Secrecy,
    TallyRule,
    VotingRule,
)
from app.consultations.phases import Phase
from app.consultations.services import day_windows
from app.extensions import db
from app.i18n import format_money
from app.timeutil import utcnow

CENTS = Decimal("0.01")
SMALL_GROUP = 5  # statistics never show a group of fewer voters than this


def cents(amount) -> Decimal:
    """An exact amount (Fraction, Decimal or int) rounded to cents, for display only."""
    value = Fraction(amount)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENTS, rounding=ROUND_HALF_UP)


def money(amount) -> str:
    """An exact amount as people read it: "3 200 €", "1 234,57 €"."""
    return format_money(cents(amount))


# --- the projects table --------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectRow:
    """One project in the results: its numbers under the budget's rule and the other rule."""

    project: BudgetProject
    pb_id: str
    village: str
    cost: Decimal
    votes: int  # voters who gave it points
    points: int  # their points (the same as votes for approval ballots)
    funded: bool
    order: int | None  # place among the winners under the budget's rule
    funded_other: bool
    order_other: int | None
    reason: str
    explanation: str


def whole_municipality() -> str:
    return _("Whole municipality")


def greedy_order(explanations: Mapping[str, tally.ProjectExplanation]) -> list[str]:
    """Project ids in the order greedy takes them: most points first, then the tally's one tie-break order."""
    return sorted(explanations, key=lambda pid: (-explanations[pid].points, explanations[pid].cost,
                                                 tally.id_sort_key(pid)))


def project_rows(budget: Budget, result: tally.TallyResult, other: tally.TallyResult) -> list[ProjectRow]:
    """Every project, most votes (points) first, with why it was or was not funded under the budget's rule."""
    projects = {p.pb_id: p for p in budget.projects}
    cumulative = budget.voting_rule == VotingRule.CUMULATIVE
    order = greedy_order(result.explanations)
    funded_above = 0
    rows = []
    for pid in order:
        e = result.explanations[pid]
        o = other.explanations[pid]
        rank = 1 + sum(1 for x in result.explanations.values() if x.points > e.points)
        project = projects[pid]
        rows.append(ProjectRow(
            project=project, pb_id=pid, village=project.village.name if project.village else whole_municipality(),
            cost=cents(e.cost), votes=e.votes, points=e.points, funded=e.selected, order=e.order,
            funded_other=o.selected, order_other=o.order, reason=e.reason,
            explanation=explain(e, result.rule, cumulative=cumulative, rank=rank, funded_above=funded_above)))
        if e.selected:
            funded_above += 1
    return rows


def explain(e: tally.ProjectExplanation, rule: str, *, cumulative: bool = False, rank: int = 1,
            funded_above: int = 0) -> str:
    """Why a project was or was not funded, in plain language, from the tally's reason and numbers.

    rank: 1 + the number of projects with more votes; funded_above: projects funded before it in the order of
    votes (greedy takes projects in that order).
    """
    cost, left = money(e.cost), money(e.remaining_budget)
    if e.reason == tally.FUNDED and rule == tally.GREEDY:
        if cumulative:
            return _("Funded: it was number %(rank)d by points, and when its turn came %(left)s remained, enough "
                     "for its cost of %(cost)s.", rank=rank, left=left, cost=cost)
        return _("Funded: it was number %(rank)d by votes, and when its turn came %(left)s remained, enough for "
                 "its cost of %(cost)s.", rank=rank, left=left, cost=cost)
    if e.reason == tally.FUNDED:  # by equal shares
        share = money(e.payment_per_point)
        if cumulative:
            text = ngettext("Funded: its %(num)d supporter could pay its cost with equal shares (paying %(share)s "
                            "per point given to it).",
                            "Funded: its %(num)d supporters could pay its cost with equal shares (each paid "
                            "%(share)s per point given to it).", e.votes, share=share)
        else:
            text = ngettext("Funded: its %(num)d supporter could pay its cost with equal shares (paying "
                            "%(share)s).",
                            "Funded: its %(num)d supporters could pay its cost with equal shares (each paid "
                            "%(share)s).", e.votes, share=share)
        if e.supporters_paying_all:
            text += " " + ngettext("%(num)d of them had less left and paid all they had.",
                                   "%(num)d of them had less left and paid all they had.", e.supporters_paying_all)
        return text
    if e.reason == tally.FUNDED_IN_COMPLETION:
        return _("Funded in the completion step: money remained after equal shares (%(left)s, enough for its "
                 "cost of %(cost)s).", left=left, cost=cost)
    if e.reason == tally.NO_VOTES_FUNDED:
        return _("Funded although nobody voted for it: money remained (%(left)s) after the projects with votes, "
                 "enough for its cost of %(cost)s.", left=left, cost=cost)
    if e.reason == tally.NOT_AFFORDABLE_FOR_SUPPORTERS:
        return _("Not funded: its supporters' shares could not cover its cost (they had %(money)s left; it "
                 "costs %(cost)s).", money=money(e.supporters_money), cost=cost)
    if e.reason == tally.NO_VOTES:
        return _("Not funded: nobody voted for it.")
    if e.reason == tally.SKIPPED_NOT_ENOUGH_MONEY:
        if rule == tally.GREEDY:
            if funded_above == 0:
                return _("Not funded: it costs %(cost)s, more than the %(left)s available.", cost=cost, left=left)
            return ngettext("Not funded: after the %(num)d project above it, %(left)s remained and it costs "
                            "%(cost)s.",
                            "Not funded: after the %(num)d projects above it, %(left)s remained and it costs "
                            "%(cost)s.", funded_above, left=left, cost=cost)
        if e.points and e.supporters_money is not None:
            return _("Not funded: its supporters' shares could not cover its cost (they had %(money)s left; it "
                     "costs %(cost)s), and in the completion step only %(left)s remained.",
                     money=money(e.supporters_money), cost=cost, left=left)
        if e.points:
            return _("Not funded: in the completion step only %(left)s remained and it costs %(cost)s.",
                     left=left, cost=cost)
        return _("Not funded: nobody voted for it, and in the completion step only %(left)s remained while it "
                 "costs %(cost)s.", left=left, cost=cost)
    return ""


def how_it_was_counted(budget: Budget, result: tally.TallyResult) -> list[str]:
    """Paragraphs on how the budget's rule worked here (for equal shares: the per-voter budget)."""
    if result.rule == tally.GREEDY:
        return [_("Projects were taken in order of votes, most first. Each was funded if its cost fitted in the "
                  "money that remained; otherwise it was skipped and the next one was considered.")]
    if not result.voter_count:
        if result.rule == tally.MES:
            return [_("Nobody voted, so equal shares could not fund anything.")]
        return [_("Nobody voted, so equal shares could not fund anything. In the completion step the money went "
                  "to the projects, cheapest first, as long as each still fitted.")]
    total, voters = money(result.budget), result.voter_count
    share = money(result.budget / voters)
    first = ngettext("The budget of %(total)s was divided equally among the %(num)d voter: %(share)s each. A "
                     "voter's share could be spent only on projects they voted for, and a project was funded when "
                     "its supporters could pay its cost together, each paying the same (per point).",
                     "The budget of %(total)s was divided equally among the %(num)d voters: %(share)s each. A "
                     "voter's share could be spent only on projects they voted for, and a project was funded when "
                     "its supporters could pay its cost together, each paying the same (per point).",
                     voters, total=total, share=share)
    if result.rule == tally.MES:
        return [first, _("The projects funded this way cost %(spent)s; %(left)s was left over.",
                         spent=money(result.spent), left=money(result.budget - result.spent))]
    by_shares = sum((e.cost for e in result.explanations.values() if e.reason == tally.FUNDED), Fraction(0))
    return [first,
            _("To use more of the money, the count was repeated giving each voter a larger share, for as long as "
              "the projects funded still fitted in the real budget. The count that was kept gave each voter "
              "%(kept)s; the amounts each supporter paid, above, are from that count.",
              kept=money(result.voter_budget)),
            _("The projects equal shares funded cost %(spent)s. In the completion step the remaining %(left)s "
              "went to the other projects in order of votes, each funded if it still fitted.",
              spent=money(by_shares), left=money(result.budget - by_shares))]


def rule_name(rule: str) -> str:
    return str(TALLY_RULE_SHORT_LABELS[rule])


# --- statistics ----------------------------------------------------------------------------

SHOWN, SMALL, PROTECTIVE, WITHHELD = "shown", "small", "protective", "withheld"


@dataclass(frozen=True)
class GroupCount:
    """A group's number of voters as published: `count` is None unless `status` is SHOWN."""

    key: str
    count: int | None
    status: str = SHOWN


def _pinned(bounds: list[tuple[int, float]], total: int) -> bool:
    """Can some value be worked out, knowing each lies in its bounds and that they sum to `total`?"""
    low_sum = sum(low for low, _high in bounds)
    high_sum = sum(high for _low, high in bounds)
    for low, high in bounds:
        least = max(low, total - (high_sum - high))
        most = min(high, total - (low_sum - low))
        if least >= most:
            return True
    return False


def suppress_small_groups(counts: Mapping[str, int], minimum: int = SMALL_GROUP,
                          limits: Mapping[str, int] | None = None) -> list[GroupCount]:
    """Publishable group counts: a group of 1 to minimum-1 voters is shown only as "fewer than minimum".

    Where there is such a group, the groups nobody is in read "fewer than minimum" too (a 0 beside it would
    narrow it down). The total of all groups is published elsewhere, so that is not always enough: more
    groups are hidden (PROTECTIVE, the smallest first) until no hidden count can be worked out from the
    total, the shown counts, what the labels say (a small group has 0 to minimum-1 voters, a protective one
    at least minimum) and `limits`, the most voters a group can have where that is public (the number of
    associations of a kind). If even that is not enough, every count is WITHHELD.
    """
    limits = limits or {}
    if not any(0 < n < minimum for n in counts.values()):
        return [GroupCount(k, n) for k, n in counts.items()]
    small = [k for k, n in counts.items() if n < minimum]
    protective: list[str] = []
    # A group that everyone who could be in it is in tells its count anyway: hiding it would protect nothing.
    candidates = sorted((k for k, n in counts.items() if minimum <= n < limits.get(k, float("inf"))),
                        key=lambda k: (counts[k], str(k)))

    def exposed() -> bool:
        hidden = [(0, min(minimum - 1, limits.get(k, minimum))) for k in small]
        hidden += [(minimum, limits.get(k, float("inf"))) for k in protective]
        return _pinned(hidden, sum(counts[k] for k in small + protective))

    while exposed() and candidates:
        protective.append(candidates.pop(0))
    if exposed():
        return [GroupCount(k, None, WITHHELD) for k in counts]
    return [GroupCount(k, None, SMALL) if k in small else GroupCount(k, None, PROTECTIVE) if k in protective
            else GroupCount(k, n) for k, n in counts.items()]


def count_text(group: GroupCount, minimum: int = SMALL_GROUP) -> str:
    """How a published group count reads in a table."""
    if group.status == SHOWN:
        return str(group.count)
    if group.status == SMALL:
        return _("fewer than %(num)d", num=minimum)
    return _("not shown")


@dataclass(frozen=True)
class KindTurnout:
    """Turnout of one kind of association, with the count suppressed if the group is small."""

    kind: str
    label: str
    voted: GroupCount
    eligible: int

    @property
    def percent(self) -> int | None:
        if self.voted.status != SHOWN or not self.eligible:
            return None
        return round(100 * self.voted.count / self.eligible)


def turnout_by_kind(voted: Mapping[str, int], eligible: Mapping[str, int],
                    labels: Mapping[str, str]) -> list[KindTurnout]:
    """Ballots and eligible associations per kind (in the order of `labels`), small groups suppressed."""
    kinds = [k for k in labels if voted.get(k) or eligible.get(k)]
    published = {g.key: g for g in suppress_small_groups({k: voted.get(k, 0) for k in kinds},
                                                         limits={k: eligible.get(k, 0) for k in kinds})}
    return [KindTurnout(k, str(labels[k]), published[k], eligible.get(k, 0)) for k in kinds]


@dataclass(frozen=True)
class VillageSpending:
    village: str
    funded: int  # projects funded
    money: Decimal  # what they cost
    proposed: int  # projects on the ballot
    asked: Decimal  # what all of them would have cost


def spending_by_village(rows: list[ProjectRow]) -> list[VillageSpending]:
    """Funded money per village (projects for no village under "Whole municipality"), most money first."""
    totals: dict[str, list] = {}
    for row in rows:
        entry = totals.setdefault(row.village, [0, Decimal(0), 0, Decimal(0)])
        entry[2] += 1
        entry[3] += row.cost
        if row.funded:
            entry[0] += 1
            entry[1] += row.cost
    result = [VillageSpending(village, *entry) for village, entry in totals.items()]
    return sorted(result, key=lambda v: (-v.money, -v.asked, v.village))


@dataclass(frozen=True)
class OpenBallotRow:
    """One voter's open ballot: who, and the projects they chose (with points for cumulative votes)."""

    voter: str
    association_id: int | None
    choices: list[str]


def open_ballot_rows(budget: Budget, ballots: list[tuple[BudgetParticipation, dict[int, int]]]) -> list[OpenBallotRow]:
    """The open ballots as the results page lists them, in the order of the projects on the ballot."""
    cumulative = budget.voting_rule == VotingRule.CUMULATIVE
    rows = []
    for participation, chosen in ballots:
        if participation.association is not None:
            voter = participation.association.name
        elif participation.user is not None and participation.user.display_name:
            voter = participation.user.display_name
        else:
            voter = _("A voter on paper") if participation.channel == Channel.PAPER else _("A voter")
        choices = [ngettext("%(title)s (%(num)d point)", "%(title)s (%(num)d points)", chosen[p.id], title=p.title)
                   if cumulative else p.title
                   for p in budget.projects if p.id in chosen]
        rows.append(OpenBallotRow(voter, participation.association_id, choices))
    return sorted(rows, key=lambda r: r.voter.casefold())


# --- downloads -----------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def results_csv(budget: Budget, rows: list[ProjectRow], rule: str, other_rule: str) -> str:
    """The results table as CSV (UTF-8 with a byte-order mark, so spreadsheets read the letters right)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    votes = _("Points") if budget.voting_rule == VotingRule.CUMULATIVE else _("Votes")
    writer.writerow([_("Project id"), _("Project"), _("Village"), _("Cost (€)"), votes,
                     _("Funded under %(rule)s", rule=rule_name(rule)), _("Order"),
                     _("Funded under %(rule)s", rule=rule_name(other_rule)), _("Explanation")])
    for row in rows:
        writer.writerow([_cell(row.pb_id), _cell(row.project.title), _cell(row.village), str(row.cost), row.points,
                         _("yes") if row.funded else _("no"), row.order or "",
                         _("yes") if row.funded_other else _("no"), _cell(row.explanation)])
    return out.getvalue()


def receipts_text(budget: Budget, hashes: list[str]) -> str:
    """The published receipt hashes as a plain-text file, one a line, after a few comment lines."""
    lines = [
        "# " + _("Receipts of the counted online ballots: %(title)s", title=budget.title.replace("\n", " ")),
        "# " + _("Each line is the SHA-256 of a receipt code written in capitals without dashes."),
        "# " + ngettext("%(num)d receipt", "%(num)d receipts", len(hashes)),
    ]
    return "\n".join(lines + hashes) + "\n"


PB_RULES = {TallyRule.GREEDY: "greedy", TallyRule.MES: "equalshares", TallyRule.MES_COMPLETED: "equalshares/add1"}


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def pb_meta(budget: Budget) -> dict[str, str]:
    """The META section of the budget's `.pb` file (num_projects and num_votes are added by write_pb)."""
    approval = budget.voting_rule != VotingRule.CUMULATIVE
    meta = {"description": _one_line(budget.title), "country": "Finland", "unit": "Iitti"}
    voting = day_windows(budget.consultation).get(Phase.VOTING)
    if voting is not None and voting.ends_on is not None:
        meta["instance"] = str(voting.ends_on.year)
    meta.update({"num_projects": "", "num_votes": "", "budget": _decimal_text(budget.total),
                 "vote_type": pabulib.APPROVAL if approval else pabulib.CUMULATIVE,
                 "rule": PB_RULES.get(budget.tally_rule, budget.tally_rule)})
    if voting is not None:
        meta["date_begin"] = voting.starts_on.strftime("%d.%m.%Y")
        if voting.ends_on is not None:
            meta["date_end"] = voting.ends_on.strftime("%d.%m.%Y")
    if budget.voting_rule == VotingRule.APPROVAL_MAX_N and budget.max_projects:
        meta["max_length"] = str(budget.max_projects)
    if budget.min_projects:
        meta["min_length"] = str(budget.min_projects)
    if budget.voting_rule == VotingRule.CUMULATIVE and budget.points_total:
        meta["max_sum_points"] = str(budget.points_total)
    return meta


def _pb_projects(budget: Budget) -> list[pabulib.PbProject]:
    return [pabulib.PbProject(p.pb_id, Fraction(p.cost), _one_line(p.title)) for p in budget.projects]


def budget_to_pb(budget: Budget) -> str:
    """The budget's anonymous ballots as a Pabulib `.pb` file.

    Voters are numbered 1..n in the order of the random ballot ids, so the numbering says nothing about who
    voted or when; within a vote the projects are in id order, so the same ballots always give the same file.
    """
    _total, _projects, ballots = services.tally_input(budget)
    votes = []
    for number, ballot in enumerate(ballots, start=1):
        chosen = sorted(ballot.points, key=tally.id_sort_key)
        votes.append(pabulib.PbVote(str(number), {pid: ballot.points[pid] for pid in chosen}))
    meta = pb_meta(budget)
    vote_type = meta["vote_type"]
    return pabulib.write_pb(pabulib.PbInstance(meta, _pb_projects(budget), votes, vote_type))


_PB_CACHE_RULE = "pb-sha256"  # a row of budget_result_cache that holds the digest, not a tally


def _pb_fingerprint(budget: Budget) -> str:
    """What the file holds apart from the ballots (which ballots_version covers)."""
    header = [pb_meta(budget), [(p.id, str(p.cost), p.name) for p in _pb_projects(budget)]]
    return hashlib.sha256(json.dumps(header, sort_keys=True).encode()).hexdigest()


def pb_sha256(budget: Budget) -> str:
    """SHA-256 of the `.pb` download; cached like the tallies until a ballot, project or setting changes."""
    fingerprint = _pb_fingerprint(budget)
    cached = db.session.scalars(sa.select(BudgetResultCache).where(
        BudgetResultCache.budget_id == budget.id, BudgetResultCache.rule == _PB_CACHE_RULE)).one_or_none()
    if cached is not None and cached.ballots_version == budget.ballots_version:
        payload = json.loads(cached.payload)
        if payload.get("fingerprint") == fingerprint:
            return payload["sha256"]
    version = budget.ballots_version
    digest = hashlib.sha256(budget_to_pb(budget).encode("utf-8")).hexdigest()
    payload = json.dumps({"fingerprint": fingerprint, "sha256": digest})
    try:
        if cached is None:
            db.session.add(BudgetResultCache(budget_id=budget.id, rule=_PB_CACHE_RULE, ballots_version=version,
                                             payload=payload))
        else:
            cached.ballots_version, cached.payload, cached.computed_at = version, payload, utcnow()
        db.session.commit()
    except sa.exc.IntegrityError:  # another request stored it at the same moment
        db.session.rollback()
    return digest


# --- import ----------------------------------------------------------------------------------

_PB_TALLY_RULES = {"greedy": TallyRule.GREEDY, "equalshares": TallyRule.MES,
                   "equalshares/add1": TallyRule.MES_COMPLETED, "mes": TallyRule.MES,
                   "mes-completed": TallyRule.MES_COMPLETED}


def _amount(value: Fraction, what: str) -> Decimal:
    """An exact amount in euros and cents, as the database stores it."""
    if (value * 100).denominator != 1:
        raise pabulib.PabulibError(f"{what} {float(value)} has more than two decimals")
    amount = Decimal(int(value * 100)) / 100
    if amount > services.MAX_AMOUNT:
        raise pabulib.PabulibError(f"{what} {amount} is too large")
    return amount


def _positive_int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def pb_to_budget(instance: pabulib.PbInstance, consultation, actor) -> Budget:
    """Create a budget in `consultation` with the file's projects and ballots, and commit it (audited).

    The projects keep the file's ids (external_id), so exports and recounts name them the same. Ballots become
    secret, anonymous online ballots without receipts; each voter gets a participation row keyed
    "import:<voter_id>". Ordinal votes count as approval of the ranked projects; scoring votes as points.
    Raises PabulibError (naming the project or voter) for what the database cannot hold.
    """
    meta = instance.meta
    total = _amount(instance.budget, "the budget")
    if instance.vote_type in (pabulib.CUMULATIVE, pabulib.SCORING):
        voting_rule, max_projects = VotingRule.CUMULATIVE, None
        most = max((sum(v.points.values()) for v in instance.votes), default=1)
        points_total = _positive_int(meta.get("max_sum_points")) or max(most, 1)
    elif instance.vote_type == pabulib.CHOOSE_1:
        voting_rule, max_projects, points_total = VotingRule.APPROVAL_MAX_N, 1, None
    elif _positive_int(meta.get("max_length")):
        voting_rule, max_projects, points_total = VotingRule.APPROVAL_MAX_N, _positive_int(meta["max_length"]), None
    else:
        voting_rule, max_projects, points_total = VotingRule.APPROVAL, None, None
    title = _one_line(meta.get("description", "")) or " ".join(
        part for part in (meta.get("unit", ""), meta.get("instance", "")) if part) or "Pabulib"
    description = "; ".join(f"{key}: {value}" for key, value in meta.items())
    now = utcnow()
    budget = Budget(consultation=consultation, title=title[:services.MAX_TITLE],
                    description=description[:services.MAX_DESCRIPTION], total=total, voting_rule=voting_rule,
                    max_projects=max_projects, points_total=points_total, min_projects=0,
                    electorate=Electorate.RESIDENTS, secrecy=Secrecy.SECRET,
                    tally_rule=_PB_TALLY_RULES.get(meta.get("rule", "").strip().lower(), TallyRule.MES_COMPLETED),
                    created_by_id=getattr(actor, "id", None), first_ballot_at=now, ballots_version=1)
    db.session.add(budget)
    project_ids = {}
    for position, p in enumerate(instance.projects, start=1):
        if len(p.id) > 60:
            raise pabulib.PabulibError(f"project id {p.id[:20]!r}… is longer than 60 characters")
        project = BudgetProject(budget=budget, title=(_one_line(p.name) or f"Project {p.id}")[:services.MAX_TITLE],
                                description=p.extra.get("description", "")[:services.MAX_DESCRIPTION],
                                cost=_amount(p.cost, f"the cost of project {p.id!r}"), position=position,
                                external_id=p.id)
        db.session.add(project)
        project_ids[p.id] = project
    db.session.flush()
    participations, ballots, choices = [], [], []
    for vote in instance.votes:
        key = f"import:{vote.voter_id}"
        if len(key) > 100:
            raise pabulib.PabulibError(f"voter id {vote.voter_id[:20]!r}… is too long")
        participations.append({"budget_id": budget.id, "voter_key": key, "channel": Channel.ONLINE,
                               "cast_by_id": getattr(actor, "id", None), "cast_at": now})
        ballot_id = secrets.token_hex(16)
        ballots.append({"id": ballot_id, "budget_id": budget.id, "channel": Channel.ONLINE, "receipt_hash": None,
                        "participation_id": None})
        for pid, points in vote.points.items():
            if points < 0:
                raise pabulib.PabulibError(f"voter {vote.voter_id!r} gives negative points to project {pid!r}")
            if points:
                choices.append({"ballot_id": ballot_id, "project_id": project_ids[pid].id, "points": points})
    for model, rows in ((BudgetParticipation, participations), (BudgetBallot, ballots), (BallotChoice, choices)):
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(model), rows[start:start + 5000])
    record(actor, "budget.import", budget, consultation=consultation.id, projects=len(instance.projects),
           ballots=len(instance.votes), vote_type=instance.vote_type, source=meta.get("description", ""))
    db.session.commit()
    return budget
