"""Demo participatory budgets, called from app.demo.seed() after the proposals and comments.

Two budgets: a finished one in the results-phase consultation (open association ballots, online and on
paper, counted with Equal Shares; greedy would have funded other projects) and one open for voting in the
voting-phase consultation (secret ballots, a few already cast; the demo representative has not voted).

Idempotent: budgets are found by title, projects by title within their budget, ballots by voter. Setup and
paper ballots go through the same services (and so write the same audit entries) as the coordinator's pages.
Online ballots are stored directly, at moments inside the voting window, because the finished budget's
window has closed; each is first checked by the same rules as a ballot cast on the page. Nothing depends
on absolute dates: the consultations' phases are laid out around today by app.proposals.demo.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.auth import services as auth_services
from app.auth.models import User
from app.budgets import paper_services, rules, services
from app.budgets.double_entry import FIRST_ROUND
from app.budgets.models import (
    BatchStatus,
    Budget,
    BudgetParticipation,
    Channel,
    Electorate,
    PaperBatch,
    Secrecy,
    TallyRule,
    VotingRule,
)
from app.consultations.models import Consultation
from app.consultations.phases import Phase
from app.directory.models import Association, RepresentationRole, Village
from app.extensions import db
from app.proposals.demo import KAUSALA, LIGHTS
from app.timeutil import local_date, utcnow

COORDINATOR = "koordinaattori@demo.kylaraati.fi"


@dataclass(frozen=True)
class DemoProject:
    """A project entered directly by the coordinator (proposers' projects come from accepted proposals)."""

    title: str
    cost: str
    village: str
    description: str
    association: str | None = None  # the proposer, for the conflict-of-interest rule


@dataclass(frozen=True)
class DemoBallot:
    association: str
    projects: tuple[str, ...]  # project titles
    day: int  # day of the voting window it was cast (or its paper form returned) on; 0 = the first day
    hour: int  # local hour of that day
    paper: bool = False  # a paper form, keyed in and counted by the coordinator after the vote closed


@dataclass(frozen=True)
class DemoBudget:
    consultation: str
    settings: services.BudgetSettings
    projects: tuple[DemoProject, ...]
    ballots: tuple[DemoBallot, ...]
    paper_batch: str = ""  # label of the batch the paper ballots were keyed in


# Accepted proposals of the two consultations (they become projects keeping the link).
SITIKKALA_LIGHTS = "Sitikkalan raitin valaistus"
RADANSUU_LIGHTS = "Radansuun koulutien katuvalot"
MARKET_BENCHES = "Kausalan torin penkit ja istutukset"
BIKE_SHELTER = "Asemanseudun pyöräkatos"

# Direct projects of the finished budget.
FITNESS_TRAIL = "Kausalan kuntoradan valaistuksen uusiminen"
SPORTS_FIELD = "Kausalan urheilukentän led-valaistus"
UNDERPASS = "Kausalan aseman alikulun valaistus"
VUOLENKOSKI_YARD = "Vuolenkosken kylätalon pihavalaistus"
BEACH_PATH = "Vuolenkosken uimarannan polun valaistus"
THEATRE_PARKING = "Haapakimolan kesäteatterin pysäköintialueen valaistus"
KYMENTAKA_STOP = "Kymentaan koulukyytipysäkin valo ja katos"
PERHENIEMI_CROSSING = "Perheniemen kyläkaupan risteyksen valaistus"
LYOTTILA_HARBOUR = "Lyöttilän venevalkaman valot"
MANKALA_PARK = "Mankalan voimalaitoskylän puistokäytävän valaistus"
CHURCH_PATH = "Kirkonkylän kirkkoraitin valaistus"
YOUTH_HOUSE = "Nuorisoseurantalon pihan valaistus ja penkit"
SITIKKALA_PLAYGROUND = "Sitikkalan kylätalon leikkipaikan kunnostus"

KAUSALA_VILLAGE = "Kausalan kyläyhdistys ry"
KIRKONKYLA_VILLAGE = "Iitin kirkonkylän kyläyhdistys ry"
VUOLENKOSKI_VILLAGE = "Vuolenkosken kyläyhdistys ry"
RADANSUU_VILLAGE = "Radansuun kyläyhdistys ry"
SITIKKALA_VILLAGE = "Sitikkalan kylätoimikunta"
HAAPAKIMOLA_VILLAGE = "Haapakimolan kyläyhdistys ry"
KYMENTAKA_VILLAGE = "Kymentaan kyläyhdistys ry"
PERHENIEMI_VILLAGE = "Perheniemen kyläseura ry"
LYOTTILA_VILLAGE = "Lyöttilän kyläyhdistys ry"
MANKALA_VILLAGE = "Mankalan kyläyhdistys ry"
ATHLETES = "Kausalan Urheilijat ry"
YOUTH = "Iitin Nuorisoseura ry"
THEATRE = "Haapakimolan Kesäteatteri ry"
MARTHAS = "Vuolenkosken Martat ry"

FINISHED = DemoBudget(
    consultation=LIGHTS,
    settings=services.BudgetSettings(
        title="Kylien valaistus- ja lähiympäristöraha 2026",
        description=(
            "Kyläteiden valaistukseen ja kylien lähiympäristön pieniin parannuksiin varattiin **80 000 euroa**. "
            "Jokainen yhdistys sai valita hankkeita, joiden yhteishinta mahtuu budjettiin; omasta hankkeestaan "
            "yhdistys ei saanut äänestää.\n\n"
            "Äänet laskettiin tasaosuusmenetelmällä (Method of Equal Shares), jotta raha jakautuu "
            "äänestäjien kesken tasapuolisesti eikä suurin ryhmä päätä kaikesta. Yhdistysten äänestyslipukkeet "
            "ovat julkisia."),
        total=Decimal("80000"), voting_rule=VotingRule.APPROVAL, electorate=Electorate.ASSOCIATIONS,
        secrecy=Secrecy.OPEN, tally_rule=TallyRule.MES_COMPLETED, conflict_rule=True, double_entry=False),
    projects=(
        DemoProject(FITNESS_TRAIL, "22000", "Kausala",
                    "Kuntoradan 2,5 kilometrin valaistus uusitaan led-valaisimiksi, jotka himmenevät kello 22 "
                    "jälkeen. Vanhat elohopealamput eivät ole enää saatavilla."),
        DemoProject(SPORTS_FIELD, "28000", "Kausala",
                    "Urheilukentälle neljä led-valomastoa, jotta harjoitukset ja koulujen liikuntatunnit voidaan "
                    "pitää myös pimeään aikaan.", ATHLETES),
        DemoProject(UNDERPASS, "14500", "Kausala",
                    "Rautatieaseman alikulkuun kirkkaammat valaisimet ja seinien maalaus yhdessä koululaisten "
                    "kanssa.", KAUSALA_VILLAGE),
        DemoProject(VUOLENKOSKI_YARD, "4500", "Vuolenkoski",
                    "Kylätalon pihaan ja parkkipaikalle neljä valaisinta, iltatilaisuuksista kotiin lähtijöitä "
                    "varten.", VUOLENKOSKI_VILLAGE),
        DemoProject(BEACH_PATH, "8400", "Vuolenkoski",
                    "Uimarannalle johtavan 600 metrin polun valaistus; polkua käyttävät talviuimarit ja "
                    "koululaiset."),
        DemoProject(THEATRE_PARKING, "7800", "Haapakimola",
                    "Kesäteatterin pysäköintialueelle valaistus syksyn iltanäytöksiä varten.", THEATRE),
        DemoProject(KYMENTAKA_STOP, "6200", "Kymentaka",
                    "Koulukyydin pysäkille katos ja aurinkokennolla toimiva valo.", KYMENTAKA_VILLAGE),
        DemoProject(PERHENIEMI_CROSSING, "5400", "Perheniemi",
                    "Kyläkaupan risteykseen kaksi valopylvästä; risteyksessä on pimeällä vaikea nähdä "
                    "kävelijöitä.", PERHENIEMI_VILLAGE),
        DemoProject(LYOTTILA_HARBOUR, "3200", "Lyöttilä",
                    "Venevalkamaan kaksi aurinkokennovalaisinta.", LYOTTILA_VILLAGE),
        DemoProject(MANKALA_PARK, "12500", "Mankala",
                    "Voimalaitoskylän puistokäytävälle tyylikkäät pylväsvalaisimet, jotka sopivat kylän "
                    "1920-luvun miljööseen.", MANKALA_VILLAGE),
        DemoProject(CHURCH_PATH, "15000", "Kirkonkylä",
                    "Kirkolta kotiseutumuseolle kulkevan raitin valaistus.", KIRKONKYLA_VILLAGE),
        DemoProject(YOUTH_HOUSE, "6800", "Kirkonkylä",
                    "Nuorisoseurantalon pihaan valaistus ja kolme penkkiä nuorten iltoja varten.", YOUTH),
        DemoProject(SITIKKALA_PLAYGROUND, "9600", "Sitikkala",
                    "Kylätalon leikkipaikalle uusi keinu ja kiipeilyteline sekä turva-alustat."),
    ),
    # Kausala's associations and their allies back the big sports lighting; the villages spread their votes
    # over the two accepted proposals and small projects of their own. Greedy funds both big Kausala
    # projects; Equal Shares gives the villages their share instead.
    ballots=(
        DemoBallot(KAUSALA_VILLAGE, (SITIKKALA_LIGHTS, FITNESS_TRAIL, SPORTS_FIELD), 1, 18),
        DemoBallot(ATHLETES, (SITIKKALA_LIGHTS, FITNESS_TRAIL, UNDERPASS, YOUTH_HOUSE), 2, 20),
        DemoBallot(KIRKONKYLA_VILLAGE, (FITNESS_TRAIL, SPORTS_FIELD, YOUTH_HOUSE, VUOLENKOSKI_YARD), 3, 19),
        DemoBallot(YOUTH, (SPORTS_FIELD, FITNESS_TRAIL, CHURCH_PATH, BEACH_PATH), 4, 21),
        DemoBallot(THEATRE, (SPORTS_FIELD, FITNESS_TRAIL, SITIKKALA_LIGHTS), 5, 12),
        DemoBallot(VUOLENKOSKI_VILLAGE, (SITIKKALA_LIGHTS, RADANSUU_LIGHTS, BEACH_PATH, THEATRE_PARKING,
                                         KYMENTAKA_STOP), 2, 9),
        DemoBallot(RADANSUU_VILLAGE, (SITIKKALA_LIGHTS, KYMENTAKA_STOP, PERHENIEMI_CROSSING, FITNESS_TRAIL), 6, 17),
        DemoBallot(SITIKKALA_VILLAGE, (RADANSUU_LIGHTS, SITIKKALA_PLAYGROUND, KYMENTAKA_STOP, LYOTTILA_HARBOUR,
                                       SPORTS_FIELD), 7, 19),
        DemoBallot(HAAPAKIMOLA_VILLAGE, (THEATRE_PARKING, RADANSUU_LIGHTS, SITIKKALA_LIGHTS, PERHENIEMI_CROSSING),
                   9, 20),
        DemoBallot(LYOTTILA_VILLAGE, (SITIKKALA_LIGHTS, RADANSUU_LIGHTS, MANKALA_PARK, FITNESS_TRAIL), 12, 16),
        # Decided at the associations' own meetings and returned on the paper form.
        DemoBallot(MARTHAS, (VUOLENKOSKI_YARD, BEACH_PATH, SITIKKALA_LIGHTS, SPORTS_FIELD), 11, 14, paper=True),
        DemoBallot(PERHENIEMI_VILLAGE, (RADANSUU_LIGHTS, SITIKKALA_LIGHTS, LYOTTILA_HARBOUR, MANKALA_PARK), 12, 14,
                   paper=True),
        DemoBallot(MANKALA_VILLAGE, (RADANSUU_LIGHTS, CHURCH_PATH, LYOTTILA_HARBOUR, SPORTS_FIELD), 13, 11,
                   paper=True),
    ),
    paper_batch="Paperilomakkeet, kunnantalon palautuslaatikko",
)

PLAYGROUND_SHADE = "Keskuspuiston leikkipaikan varjokatos"
FITNESS_STAIRS = "Kuntoportaat urheilukentän rinteeseen"
BOOK_SHELF = "Yhteisökirjahylly kirjaston eteen"
CHRISTMAS_LIGHTS = "Torin jouluvalot ja sähköpiste"

OPEN = DemoBudget(
    consultation=KAUSALA,
    settings=services.BudgetSettings(
        title="Kausalan keskustan kohennusraha 2027",
        description=(
            "Kausalan keskustan pieniin parannuksiin on varattu **30 000 euroa**. Jokainen yhdistys voi valita "
            "enintään kolme hanketta, mutta ei omaa hankettaan.\n\n"
            "Äänestys on salainen: lipukkeesta ei näe, kuka sen antoi. Annettua ääntä ei voi muuttaa."),
        total=Decimal("30000"), voting_rule=VotingRule.APPROVAL_MAX_N, max_projects=3,
        electorate=Electorate.ASSOCIATIONS, secrecy=Secrecy.SECRET, tally_rule=TallyRule.MES_COMPLETED,
        conflict_rule=True, double_entry=True),
    projects=(
        DemoProject(PLAYGROUND_SHADE, "6500", "Kausala",
                    "Keskuspuiston leikkipaikalle varjokatos ja kaksi penkkiä vanhemmille."),
        DemoProject(FITNESS_STAIRS, "12000", "Kausala",
                    "Urheilukentän rinteeseen 120 askelman kuntoportaat, joita kaikki voivat käyttää.", ATHLETES),
        DemoProject(BOOK_SHELF, "2500", "Kausala",
                    "Katettu kirjanvaihtohylly kirjaston eteen: tuo kirja, vie kirja."),
        DemoProject(CHRISTMAS_LIGHTS, "4200", "Kausala",
                    "Torin puihin jouluvalot ja torin laitaan sähköpiste tapahtumia varten.", KAUSALA_VILLAGE),
    ),
    # Eero Edustaja, the demo representative, has not voted for either of his associations.
    ballots=(
        DemoBallot(KAUSALA_VILLAGE, (BIKE_SHELTER, PLAYGROUND_SHADE, BOOK_SHELF), 0, 19),
        DemoBallot(ATHLETES, (BIKE_SHELTER, MARKET_BENCHES, CHRISTMAS_LIGHTS), 1, 20),
        DemoBallot(KIRKONKYLA_VILLAGE, (MARKET_BENCHES, PLAYGROUND_SHADE), 2, 18),
        DemoBallot(RADANSUU_VILLAGE, (BIKE_SHELTER, MARKET_BENCHES, FITNESS_STAIRS), 3, 8),
    ),
)

DEMO_BUDGETS = (FINISHED, OPEN)


def _by_name(model, name: str):
    return db.session.scalar(sa.select(model).where(model.name == name))


def _voting_window(consultation: Consultation) -> tuple[datetime, datetime]:
    window = next(w for w in consultation.windows() if w.phase == Phase.VOTING)
    return window.starts_at, window.ends_at or utcnow()


def _moment(starts_at: datetime, ends_at: datetime, day: int, hour: int) -> datetime:
    """A moment in the voting window (never after it closes, never in the future)."""
    moment = starts_at + timedelta(days=day, hours=hour)
    return min(moment, ends_at - timedelta(minutes=30), utcnow() - timedelta(minutes=30))


def _ensure_budget(spec: DemoBudget, coordinator: User) -> Budget | None:
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.title == spec.consultation))
    if consultation is None:
        return None  # the proposal demo data does not have it (any more)
    budget = db.session.scalar(sa.select(Budget).where(Budget.title == spec.settings.title))
    if budget is None:
        budget = services.save_budget(coordinator, consultation, None, spec.settings)
    if budget.is_frozen:
        return budget  # voting has started: the ballot is as it was
    proposals = [p.id for p in services.accepted_proposals_without_project(budget)]
    if proposals:
        services.add_proposals(coordinator, budget, proposals, {})
    existing = {p.title for p in budget.projects}
    for project in spec.projects:
        if project.title in existing:
            continue
        village = _by_name(Village, project.village)
        association = _by_name(Association, project.association) if project.association else None
        services.save_project(coordinator, budget, None, title=project.title, description=project.description,
                              cost=Decimal(project.cost), village_id=village.id if village else None,
                              association_id=association.id if association else None)
    return budget


def _representative(association: Association, on) -> User | None:
    """A current representative (or deputy) of the association, the one who casts its ballot online."""
    mandates = sorted(association.representations, key=lambda r: (r.role != RepresentationRole.REPRESENTATIVE, r.id))
    for representation in mandates:
        if representation.is_current(on):
            return representation.user
    return None


def _ensure_ballots(spec: DemoBudget, budget: Budget, coordinator: User) -> None:
    """Store the spec's online ballots that are missing, then key in and count its paper ballots."""
    voted = set(db.session.scalars(sa.select(BudgetParticipation.voter_key)
                                   .where(BudgetParticipation.budget_id == budget.id)))
    starts_at, ends_at = _voting_window(budget.consultation)
    projects = {p.title: p.id for p in budget.projects}
    online, paper = [], []
    for ballot in spec.ballots:
        association = _by_name(Association, ballot.association)
        if association is None or rules.association_key(association.id) in voted:
            continue
        at = _moment(starts_at, ends_at, ballot.day, ballot.hour)
        pairs = [(projects[title], 1) for title in ballot.projects]
        if ballot.paper:
            paper.append((association, at, pairs))
            continue
        representative = _representative(association, local_date(at))
        if representative is None:
            continue
        # The same check as for a ballot cast on the page: the demo cannot hold a ballot the app would refuse.
        choices = rules.check_ballot(services.ballot_spec(budget, services.forbidden_for(budget, association.id)),
                                     pairs)
        online.append((association, representative, at, choices))
    if online:
        budget_id = budget.id
        services.lock_budget_for_writing(budget_id, min(at for _, _, at, _ in online))
        budget = db.session.get(Budget, budget_id)
        db.session.refresh(budget)
        for association, representative, at, choices in sorted(online, key=lambda item: item[2]):
            services.store_ballot(budget, rules.association_key(association.id), choices, at,
                                  channel=Channel.ONLINE, association_id=association.id,
                                  cast_by_id=representative.id, receipt=services.new_receipt())
        db.session.commit()
    if paper:
        _count_paper(spec, services.get_budget(budget.id), coordinator, paper, ends_at)


def _count_paper(spec: DemoBudget, budget: Budget, coordinator: User, paper: list, ends_at: datetime) -> None:
    """The coordinator keys the paper forms into a batch and counts it, as on the paper-ballot pages.

    Forms returned by the deadline are keyed and counted on the morning after the vote closed.
    """
    counting = min(ends_at + timedelta(hours=9), utcnow() - timedelta(minutes=30))
    batch = db.session.scalar(sa.select(PaperBatch).where(PaperBatch.budget_id == budget.id,
                                                          PaperBatch.label == spec.paper_batch))
    if batch is None:
        batch = paper_services.create_batch(coordinator, budget, spec.paper_batch, counting)
    if batch.status == BatchStatus.COUNTED:
        return
    keyed = {entry.voter_ref for entry in batch.entries}
    sequence = max((entry.sequence for entry in batch.entries), default=0)
    for association, at, pairs in sorted(paper, key=lambda item: item[1]):
        if str(association.id) in keyed:
            continue
        sequence += 1
        paper_services.add_entry(coordinator, budget, batch.id, FIRST_ROUND, sequence, str(association.id), pairs,
                                 counting)
    paper_services.count_batch(coordinator, budget.id, batch.id, counting)


def seed_budgets() -> None:
    """A finished budget with online and paper ballots, and one open for voting."""
    coordinator = auth_services.find_user_by_email(COORDINATOR)
    if coordinator is None:
        return
    for spec in DEMO_BUDGETS:
        budget = _ensure_budget(spec, coordinator)
        if budget is not None:
            _ensure_ballots(spec, budget, coordinator)
