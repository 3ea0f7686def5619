"""Demo bodies and meetings, called from app.demo.seed() after the proposals and budgets.

The village affairs advisory board (a seat for each village association, held by its demo representative,
with a personal deputy) and the municipal board (the demo board member chairs it, so escalations reach
her). Two advisory-board meetings with approved minutes: one decided on the finished budget's results,
the other moved a river proposal to accepted (through the proposal state machine, with the decision as its
official answer). One planned meeting with statements of two associations.

Idempotent: bodies are found by name, members by name within their body, meetings by body and title.
Everything goes through the same services (and audit entries) as the pages. Dates are laid out around
today, after the finished budget's vote closed (see app.proposals.demo).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from app.auth.models import User
from app.budgets.models import Budget
from app.directory.models import Association
from app.extensions import db
from app.meetings import rules, services
from app.meetings.models import Body, BodyMember, Meeting
from app.meetings.rules import BodyKind, MeetingStatus, MemberRole, QuorumRule
from app.proposals.models import Proposal
from app.timeutil import HELSINKI, today, utcnow

BOARD = "lautakunta@demo.kylaraati.fi"
ADVISORY = "Kyläasiain neuvottelukunta"
MUNICIPAL = "Iitin kunnanhallitus"
TERM_START = date(2025, 6, 1)
LIGHTS_BUDGET = "Kylien valaistus- ja lähiympäristöraha 2026"

# (association, member's name, member's account, deputy's name); the first seat chairs the board.
SEATS = [
    ("Iitin kirkonkylän kyläyhdistys ry", "Sirpa Laine", "sirpa.kirkonkyla@demo.kylaraati.fi", "Marja Aaltonen"),
    ("Kausalan kyläyhdistys ry", "Matti Virtanen", "matti.kausala@demo.kylaraati.fi", "Timo Rantanen"),
    ("Vuolenkosken kyläyhdistys ry", "Eero Edustaja", "edustaja@demo.kylaraati.fi", "Helena Kallio"),
    ("Radansuun kyläyhdistys ry", "Jussi Heikkinen", "jussi.radansuu@demo.kylaraati.fi", "Pirjo Lind"),
    ("Sitikkalan kylätoimikunta", "Raija Koskinen", "raija.sitikkala@demo.kylaraati.fi", "Esa Turunen"),
    ("Haapakimolan kyläyhdistys ry", "Pekka Nieminen", "pekka.haapakimola@demo.kylaraati.fi", "Leila Hakala"),
    ("Kymentaan kyläyhdistys ry", "Tuula Mäkinen", "tuula.kymentaka@demo.kylaraati.fi", "Jorma Peltonen"),
    ("Perheniemen kyläseura ry", "Heikki Järvinen", "heikki.perheniemi@demo.kylaraati.fi", "Outi Laaksonen"),
    ("Lyöttilän kyläyhdistys ry", "Anneli Lehtonen", "anneli.lyottila@demo.kylaraati.fi", "Kalle Saarinen"),
    ("Mankalan kyläyhdistys ry", "Kari Salminen", "kari.mankala@demo.kylaraati.fi", "Sari Heinonen"),
]
MUNICIPAL_MEMBERS = [("Leena Lautakunta", BOARD), ("Antti Mattila", None), ("Riitta Karjalainen", None),
                     ("Jari Hiltunen", None), ("Minna Salo", None), ("Petri Laitinen", None), ("Kirsi Vainio", None)]


@dataclass(frozen=True)
class DemoItem:
    title: str
    presentation: str
    outcome: str | None = None
    decision: str = ""
    proposals: tuple[str, ...] = ()  # titles
    budget: str | None = None  # title of a budget whose results the item concerns
    apply: bool = False  # the board member confirms the proposals' move
    statements: tuple[tuple[str, str, str], ...] = ()  # (association, representative's email, text)
    roll_call: dict | None = None  # member name -> choice


@dataclass(frozen=True)
class DemoMeeting:
    title: str
    days_from_today: int  # negative: in the past
    status: str
    place: str
    items: tuple[DemoItem, ...]
    absent: tuple[str, ...] = ()  # members whose deputies came
    missing: tuple[str, ...] = ()  # members absent with no deputy
    video_url: str = ""


OPENING = DemoItem("Kokouksen avaus, laillisuus ja päätösvaltaisuus",
                   "Puheenjohtaja avaa kokouksen ja toteaa kokouksen laillisuuden ja päätösvaltaisuuden.",
                   "noted", "Kokous todettiin laillisesti koolle kutsutuksi ja päätösvaltaiseksi.")

MEETINGS = [
    DemoMeeting(
        "Kokous 4/2026", -12, MeetingStatus.APPROVED, "Kausalan kunnantalo, valtuustosali",
        items=(
            OPENING,
            DemoItem(
                "Kylien valaistus- ja lähiympäristörahan äänestystulos",
                "Yhdistykset äänestivät kylien valaistus- ja lähiympäristörahan (80 000 €) jakamisesta. "
                "Äänet laskettiin tasaosuusmenetelmällä. Tulokset, jokaisen hankkeen perustelu ja äänestysaineisto "
                "ovat julkisesti nähtävillä.\n\n**Esitys:** neuvottelukunta esittää kunnanhallitukselle, että "
                "äänestyksessä valitut hankkeet toteutetaan vuoden 2027 aikana.",
                "approved",
                "Neuvottelukunta esittää kunnanhallitukselle, että tasaosuusmenetelmällä valitut hankkeet "
                "toteutetaan vuoden 2027 aikana esitetyssä järjestyksessä. Tekninen toimi raportoi "
                "toteutuksesta neuvottelukunnalle kahdesti vuodessa.",
                proposals=("Sitikkalan raitin valaistus", "Radansuun koulutien katuvalot"),
                budget=LIGHTS_BUDGET,
                roll_call={"Sirpa Laine": "yes", "Matti Virtanen": "yes", "Eero Edustaja": "yes",
                           "Jussi Heikkinen": "recused", "Raija Koskinen": "recused", "Pekka Nieminen": "yes",
                           "Tuula Mäkinen": "yes", "Heikki Järvinen": "no", "Anneli Lehtonen": "yes",
                           "Sari Heinonen": "abstain"}),
            DemoItem("Seuraavan kokouksen ajankohta", "Sovitaan seuraavasta kokouksesta.", "noted",
                     "Seuraava kokous pidetään kahden viikon kuluttua Vuolenkosken kylätalolla."),
        ),
        absent=("Kari Salminen",), missing=("Raija Koskinen",)),
    DemoMeeting(
        "Kokous 5/2026", -4, MeetingStatus.APPROVED, "Vuolenkosken kylätalo",
        items=(
            OPENING,
            DemoItem(
                "Haapakimolan venelaituri",
                "Haapakimolan kyläyhdistys esittää venelaituria Kymijoen rantaan. Aloitetta on kannattanut "
                "useampi kylä, ja kunnan tekninen toimi on arvioinut sen toteutettavaksi yhdessä kyläyhdistyksen "
                "talkoiden kanssa.",
                "approved",
                "Neuvottelukunta puoltaa venelaituria. Kunta hankkii laiturielementit (arvio 9 500 €), "
                "kyläyhdistys vastaa asennuksesta talkoilla ja laiturin kunnossapidosta.",
                proposals=("Haapakimolan venelaituri",), apply=True),
            DemoItem(
                "Perheniemen melontareitin opasteet",
                "Perheniemen kyläseura esittää melontareitin opasteita. Reitin kulku on vielä sopimatta "
                "maanomistajien kanssa.",
                "tabled",
                "Asia jätettiin pöydälle, kunnes reitistä on sovittu maanomistajien kanssa.",
                proposals=("Perheniemen melontareitin opasteet",)),
        )),
    DemoMeeting(
        "Kokous 1/2027", 10, MeetingStatus.PLANNED, "Kausalan kunnantalo, valtuustosali",
        video_url="https://meet.example.fi/iitti-neuvottelukunta",
        items=(
            DemoItem("Kokouksen avaus, laillisuus ja päätösvaltaisuus",
                     "Puheenjohtaja avaa kokouksen ja toteaa kokouksen laillisuuden ja päätösvaltaisuuden."),
            DemoItem(
                "Kylien investointirahan 2027 aloitteet",
                "Kylien investointirahaan on tullut aloitteita kylätalojen korjauksista pysäkkikatoksiin. "
                "Neuvottelukunta käy aloitteet läpi ja kuulee yhdistysten lausunnot ennen kuin kunta arvioi "
                "kustannukset.",
                proposals=("Radansuun bussikatos", "Vuolenkosken kylätalon katon korjaus"),
                statements=(
                    ("Vuolenkosken kyläyhdistys ry", "edustaja@demo.kylaraati.fi",
                     "Kylätalon katto vuotaa jo kolmesta kohtaa. Kyläyhdistys sitoutuu **talkoisiin** ja "
                     "omarahoitukseen 2 000 eurolla, jos kunta osallistuu materiaalikustannuksiin."),
                    ("Radansuun kyläyhdistys ry", "jussi.radansuu@demo.kylaraati.fi",
                     "Bussikatos on koululaisten turvallisuuskysymys: pysäkillä odottaa aamuisin kymmenkunta "
                     "lasta. Kannatamme aloitetta ja voimme hoitaa katoksen lumityöt."),
                )),
            DemoItem(
                "Kausalan keskustan kohennusrahan äänestys",
                "Kausalan keskustan kohennusrahan äänestys on käynnissä. Käydään läpi äänestyksen tilanne ja "
                "muistutetaan yhdistyksiä äänestämään."),
        )),
]


def _moment(days_from_today: int, hour: int = 18) -> datetime:
    day = today() + timedelta(days=days_from_today)
    return datetime.combine(day, time(hour), HELSINKI).astimezone(timezone.utc).replace(tzinfo=None)


def _by(model, **lookup):
    return db.session.scalar(sa.select(model).filter_by(**lookup))


def _ensure_body(actor: User, name: str, kind: str, description: str) -> Body:
    body = _by(Body, name=name)
    if body is None:
        body = services.save_body(actor, None, name=name, kind=kind, description=description,
                                  quorum_rule=QuorumRule.MORE_THAN_HALF)
    return body


def _ensure_member(actor: User, body: Body, name: str, role: str, email: str | None = None,
                   association: Association | None = None, deputy_for: BodyMember | None = None) -> BodyMember:
    member = _by(BodyMember, body_id=body.id, name=name)
    if member is None:
        member = services.add_member(actor, body, name=name, role=role, starts_on=TERM_START,
                                     user=_by(User, email=email) if email else None, association=association,
                                     deputy_for=deputy_for)
    return member


def seed_bodies(coordinator: User) -> tuple[Body, Body]:
    advisory = _ensure_body(
        coordinator, ADVISORY, BodyKind.ADVISORY_BOARD,
        "Kyläasiain neuvottelukunta tuo kylien äänen kunnan päätöksentekoon. Jokaisella kyläyhdistyksellä on "
        "siinä yksi paikka ja henkilökohtainen varajäsen.")
    for number, (association_name, name, email, deputy) in enumerate(SEATS):
        association = _by(Association, name=association_name)
        seat = _ensure_member(coordinator, advisory, name, MemberRole.CHAIR if number == 0 else MemberRole.MEMBER,
                              email, association)
        _ensure_member(coordinator, advisory, deputy, MemberRole.DEPUTY, association=association, deputy_for=seat)
    municipal = _ensure_body(coordinator, MUNICIPAL, BodyKind.MUNICIPAL_BOARD,
                             "Kunnanhallitus johtaa kunnan toimintaa ja vastaa aloitteisiin, joihin ei ole "
                             "vastattu määräajassa.")
    for number, (name, email) in enumerate(MUNICIPAL_MEMBERS):
        _ensure_member(coordinator, municipal, name, MemberRole.CHAIR if number == 0 else MemberRole.MEMBER, email)
    return advisory, municipal


def _ensure_meeting(spec: DemoMeeting, body: Body, board: User) -> None:
    if _by(Meeting, body_id=body.id, title=spec.title) is not None:
        return
    starts_at = _moment(spec.days_from_today)
    meeting = services.save_meeting(board, None, services.MeetingDraft(
        body_id=body.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), title=spec.title,
        place=spec.place, video_url=spec.video_url, chair_name=SEATS[0][1], secretary_name="Kaisa Koordinaattori",
        minutes_checkers="Pekka Nieminen, Tuula Mäkinen",
        other_attendees="Kaisa Koordinaattori, järjestöaktivaattori (sihteeri)\nKunnan tekninen johtaja"))
    items = []
    for number, spec_item in enumerate(spec.items, start=1):
        item = services.save_item(board, meeting, None, number=number, title=spec_item.title,
                                  presentation=spec_item.presentation)
        items.append((item, spec_item))
        for title in spec_item.proposals:
            proposal = _by(Proposal, title=title)
            if proposal is not None:
                services.add_link(board, item, "proposal", proposal.id)
        budget = _by(Budget, title=spec_item.budget) if spec_item.budget else None
        if budget is not None:
            services.add_link(board, item, "budget", budget.id)
        for association_name, email, text in spec_item.statements:
            author, association = _by(User, email=email), _by(Association, name=association_name)
            if author is not None and association is not None:
                services.save_statement(author, item, association, text, today(),
                                         min(starts_at, utcnow()) - timedelta(days=2))
    if spec.status == MeetingStatus.PLANNED:
        return
    services.move_status(board, meeting, MeetingStatus.HELD, starts_at + timedelta(hours=2))
    members = services.meeting_members(meeting)
    names = {m.name: m for m in members}
    present = {m.id for m in members if m.role != MemberRole.DEPUTY and m.name not in spec.absent + spec.missing}
    present |= {m.id for m in members if m.deputy_for is not None and m.deputy_for.name in spec.absent}
    services.record_attendance(board, meeting, present, {})
    for item, spec_item in items:
        votes = {names[name].id: choice for name, choice in (spec_item.roll_call or {}).items()
                 if name in names and names[name].id in present}
        services.record_decision(board, item, outcome=spec_item.outcome, text=spec_item.decision, votes=votes,
                                 now=starts_at + timedelta(hours=1))
        if spec_item.apply:
            for title in spec_item.proposals:
                proposal = _by(Proposal, title=title)
                if proposal is not None and rules.proposal_path(proposal.state, rules.proposal_target(item.outcome)):
                    services.apply_decision(board, item, proposal, starts_at + timedelta(days=1))
    services.move_status(board, meeting, MeetingStatus.APPROVED, starts_at + timedelta(days=2))


def seed_meetings() -> None:
    coordinator = _by(User, email="koordinaattori@demo.kylaraati.fi")
    board = _by(User, email=BOARD)
    if coordinator is None or board is None:
        return
    advisory, _municipal = seed_bodies(coordinator)
    for spec in MEETINGS:
        _ensure_meeting(spec, advisory, board)
