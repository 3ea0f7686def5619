"""Demo consultations (one in each phase) and proposals, called from app.demo.seed().

Idempotent: consultations and proposals are found by title. The phase dates are laid out
around today on every run, so each consultation is in its phase whenever `make run` starts.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.audit.services import record
from app.auth.models import User
from app.consultations.models import Consultation
from app.consultations.phases import PHASE_ORDER, Phase
from app.consultations.services import DayWindow, save_consultation
from app.directory.models import Association, Village
from app.extensions import db
from app.proposals.models import Endorsement, Follow, Proposal, ProposalStateChange, Support
from app.proposals.states import ProposalState
from app.timeutil import local_midnight_utc, today, utcnow

BOARD = "lautakunta@demo.kylaraati.fi"
COORDINATOR = "koordinaattori@demo.kylaraati.fi"

# Length of each phase in days, and how far into its current phase each demo consultation is.
DURATIONS = {Phase.INFORMATION: 21, Phase.PROPOSALS: 35, Phase.REVIEW: 28, Phase.VOTING: 14, Phase.RESULTS: 60}
DAYS_INTO = {Phase.INFORMATION: 7, Phase.PROPOSALS: 12, Phase.REVIEW: 10, Phase.VOTING: 5, Phase.RESULTS: 20,
             Phase.CLOSED: 45}


@dataclass(frozen=True)
class DemoConsultation:
    title: str
    village: str | None
    phase: Phase  # the phase it is in today
    description: str
    answer_days: int = 60  # days the municipality has to answer a proposal


@dataclass(frozen=True)
class DemoProposal:
    consultation: str
    title: str
    author: str  # email
    association: str | None
    village: str | None
    category: str
    cost: str | None
    location: str
    body: str
    states: tuple[str, ...] = ()  # moves after 'submitted', made by the board member
    answer: str = ""
    supporters: tuple[str, ...] = ()  # emails
    endorsers: tuple[tuple[str, str], ...] = ()  # (association, representative's email)
    notes: dict = field(default_factory=dict)  # state -> note for that move


CONSULTATIONS = [
    DemoConsultation(
        "Kirkonkylän rannan kehittäminen", "Kirkonkylä", Phase.INFORMATION,
        "Kunta suunnittelee Kirkonkylän rannan ja torin uudistamista yhdessä kyläläisten kanssa.\n\n"
        "**Tiedotusvaihe:** tutustu lähtötietoihin ja kerro kommenteissa, mitä rannalta nyt puuttuu. "
        "Aloitteita voi jättää, kun aloitevaihe alkaa.\n\n"
        "- Suunnittelualue: uimaranta, venevalkama ja tori\n"
        "- Alustava budjetti: 60 000 €\n"
        "- Asukastilaisuus Kirkonkylän kylätalolla aloitevaiheen alussa"),
    DemoConsultation(
        "Kylien investointiraha 2027", None, Phase.PROPOSALS,
        "Iitin kunta varaa vuodelle 2027 **120 000 euroa** kylien pieniin investointeihin. "
        "Asukkaat ja yhdistykset voivat ehdottaa, mihin raha käytetään.\n\n"
        "Hyvä aloite\n\n"
        "- hyödyttää monia kyläläisiä,\n"
        "- on toteutettavissa vuoden 2027 aikana ja\n"
        "- maksaa enintään 40 000 euroa.\n\n"
        "Kunta arvioi aloitteet arviointivaiheessa. Yhdistysten edustajat äänestävät toteutettavista "
        "hankkeista äänestysvaiheessa."),
    DemoConsultation(
        "Kymijoen rantojen virkistyskäyttö 2027", None, Phase.REVIEW,
        "Miten Kymijoen rannat saataisiin paremmin kaikkien käyttöön? Aloitevaihe on päättynyt, "
        "ja kunta arvioi nyt aloitteet yhdessä kylien kanssa. Kunta vastaa aloitteisiin 30 päivässä.",
        answer_days=30),
    DemoConsultation(
        "Kausalan keskustan kohennus 2027", "Kausala", Phase.VOTING,
        "Kausalan keskustan pieniin parannuksiin on varattu 30 000 euroa. Arvioinnin läpäisseistä "
        "aloitteista äänestetään nyt."),
    DemoConsultation(
        "Kyläteiden valaistus 2026", None, Phase.RESULTS,
        "Kyläteiden valaistuksen parantamiseen varattiin 80 000 euroa. Tulokset ja kunnan vastaukset "
        "aloitteisiin on julkaistu alla."),
    DemoConsultation(
        "Osallistuva budjetointi 2026", None, Phase.CLOSED,
        "Iitin ensimmäinen osallistuva budjetointi, jossa jaettiin **100 000 euroa**. "
        "Hankkeet on päätetty ja osa jo toteutettu."),
]

A = "asukas@demo.kylaraati.fi"
EERO = "edustaja@demo.kylaraati.fi"
MATTI = "matti.kausala@demo.kylaraati.fi"
SIRPA = "sirpa.kirkonkyla@demo.kylaraati.fi"
JUSSI = "jussi.radansuu@demo.kylaraati.fi"
RAIJA = "raija.sitikkala@demo.kylaraati.fi"
PEKKA = "pekka.haapakimola@demo.kylaraati.fi"
TUULA = "tuula.kymentaka@demo.kylaraati.fi"
HEIKKI = "heikki.perheniemi@demo.kylaraati.fi"
ANNELI = "anneli.lyottila@demo.kylaraati.fi"
KARI = "kari.mankala@demo.kylaraati.fi"
VILLE = "ville.urheilijat@demo.kylaraati.fi"
EVERYONE = (A, EERO, MATTI, SIRPA, JUSSI, RAIJA, PEKKA, TUULA, HEIKKI, ANNELI, KARI, VILLE)

INVEST = "Kylien investointiraha 2027"
RIVER = "Kymijoen rantojen virkistyskäyttö 2027"
KAUSALA = "Kausalan keskustan kohennus 2027"
LIGHTS = "Kyläteiden valaistus 2026"
BUDGET = "Osallistuva budjetointi 2026"

PROPOSALS = [
    DemoProposal(
        INVEST, "Vuolenkosken kylätalon katon korjaus", EERO, "Vuolenkosken kyläyhdistys ry", "Vuolenkoski",
        "village_facilities", "18500", "Vuolenkosken kylätalo, Vuolenkoskentie 12",
        "Vuolenkosken kylätalon peltikatto on vuodesta 1978 ja vuotaa jo kahdesta kohdasta. "
        "Viime talvena vesi kasteli juhlasalin katon.\n\n"
        "Ehdotamme\n\n"
        "1. katon uusimista konesaumatulla pellillä,\n"
        "2. räystäskourujen ja syöksytorvien uusimista ja\n"
        "3. ullakon tuuletuksen korjaamista.\n\n"
        "Kylätalossa kokoontuvat Martat, eläkeläiset ja nuorisoseura, ja siellä pidetään kylän juhlat. "
        "Kyläyhdistys tekee purkutyöt talkoilla, mikä on otettu huomioon kustannusarviossa.",
        supporters=(A, MATTI, SIRPA, RAIJA, TUULA, HEIKKI, KARI, VILLE, PEKKA),
        endorsers=(("Vuolenkosken Martat ry", EERO), ("Kymentaan kyläyhdistys ry", TUULA))),
    DemoProposal(
        INVEST, "Lyöttilän rantasauna", ANNELI, "Lyöttilän kyläyhdistys ry", "Lyöttilä",
        "nature_and_recreation", "24000", "Lyöttilän uimaranta, Urajärvi",
        "Lyöttilän uimarannalle tarvitaan yhteinen **puulämmitteinen rantasauna**, joka olisi kaikkien "
        "kyläläisten ja kesäasukkaiden käytössä vuoron varauksella.\n\n"
        "- Sauna 10 hengelle ja pukuhuone\n"
        "- Esteetön kulku rannalta\n"
        "- Kyläyhdistys vastaa lämmityksestä ja siivouksesta talkoilla\n\n"
        "Talviuinti on kasvattanut suosiotaan, ja lähin yleinen sauna on Kausalassa.",
        supporters=(A, EERO, HEIKKI, KARI, RAIJA, JUSSI, MATTI),
        endorsers=(("Perheniemen kyläseura ry", HEIKKI),)),
    DemoProposal(
        INVEST, "Radansuun bussikatos", A, None, "Radansuu", "roads_and_lighting", "6500",
        "Radansuun linja-autopysäkki, Kouvolantie",
        "Radansuun pysäkillä odottaa joka aamu parikymmentä koululaista ja työmatkalaista, mutta katosta "
        "ei ole. Sateella ja pakkasella odottaminen on kurjaa, ja pimeällä pysäkki on huonosti näkyvissä.\n\n"
        "Ehdotan pysäkille katosta, jossa on penkki ja valo.",
        supporters=(JUSSI, MATTI, EERO, SIRPA, TUULA),
        endorsers=(("Radansuun kyläyhdistys ry", JUSSI),)),
    DemoProposal(
        INVEST, "Lainattava tapahtumakalusto: teltat ja äänentoisto", SIRPA, "Iitin kirkonkylän kyläyhdistys ry",
        None, "culture_and_events", "9800", "Säilytys Kirkonkylän kylätalolla",
        "Jokainen kylä hankkii nyt erikseen telttoja ja äänentoistoa kesäjuhliinsa tai lainaa niitä "
        "naapurikylästä. Ehdotamme **yhteistä tapahtumakalustoa**, jota kaikki iittiläiset yhdistykset "
        "voivat lainata maksutta:\n\n"
        "- 4 pikatelttaa (3 × 6 m) painoineen\n"
        "- siirrettävä äänentoisto kahdella langattomalla mikrofonilla\n"
        "- 10 taittopöytää ja 60 tuolia\n"
        "- kuljetuskärry\n\n"
        "Varaukset hoidettaisiin Kyläraadin tapahtumakalenterin kautta.",
        supporters=(A, EERO, MATTI, PEKKA, TUULA, HEIKKI, ANNELI, KARI, VILLE, JUSSI, RAIJA),
        endorsers=(("Haapakimolan Kesäteatteri ry", PEKKA), ("Kausalan kyläyhdistys ry", MATTI),
                   ("Iitin Nuorisoseura ry", SIRPA))),
    DemoProposal(
        INVEST, "Kausalan urheilukentän kuntoportaat", VILLE, "Kausalan Urheilijat ry", "Kausala", "sports",
        "32000", "Kausalan urheilukenttä, Urheilutie",
        "Urheilukentän vieressä olevaan rinteeseen rakennettaisiin 120-askelmaiset kuntoportaat. "
        "Portaita käyttäisivät seuran harjoitusryhmät, koulut ja kaikki kuntalaiset.",
        supporters=(MATTI, A)),
    DemoProposal(
        INVEST, "Kymentaan kylätalon esteetön sisäänkäynti", TUULA, "Kymentaan kyläyhdistys ry", "Kymentaka",
        "elderly", "7200", "Kymentaan kylätalo",
        "Kylätalon portaat ovat jyrkät, eikä pyörätuolilla tai rollaattorilla pääse sisään. "
        "Ehdotamme luiskaa ja kaidetta pääovelle sekä automaattista ovenavaajaa.",
        supporters=(A, EERO, RAIJA, HEIKKI)),
    DemoProposal(
        INVEST, "Mankalan voimalaitoskylän historiakyltit", KARI, "Mankalan kyläyhdistys ry", "Mankala",
        "culture_and_events", "3400", "Mankalan voimalaitoksen ympäristö",
        "Mankalan voimalaitoskylän rakennuksilla on kiinnostava historia, josta ohikulkijat eivät tiedä. "
        "Kuusi kaksikielistä opastekylttiä kertoisi kylän tarinan."),
    DemoProposal(
        INVEST, "Sitikkalan kylätalon aurinkopaneelit", RAIJA, None, "Sitikkala", "environment", "12000",
        "Sitikkalan kylätalo",
        "Kylätalon katolle asennettaisiin aurinkopaneelit. Sähkölasku pienenisi, ja säästö käytettäisiin "
        "kylätalon ylläpitoon.",
        supporters=(TUULA,)),
    DemoProposal(
        INVEST, "Nuorten kokoontumistila Kausalaan", MATTI, None, "Kausala", "children_and_youth", None, "",
        "Kausalan nuorilla ei ole iltaisin paikkaa, jossa olla. Ehdotan, että kunta selvittää yhdessä "
        "nuorisoseuran kanssa, voisiko jokin kunnan tyhjillään olevista tiloista toimia nuorten "
        "kokoontumistilana.",
        supporters=(SIRPA, VILLE, A)),
    # Review phase
    DemoProposal(
        RIVER, "Haapakimolan venelaituri", PEKKA, "Haapakimolan kyläyhdistys ry", "Haapakimola",
        "nature_and_recreation", "15000", "Haapakimolan kesäteatterin ranta",
        "Kesäteatterin yleisö tulee mielellään veneellä, mutta laituria ei ole. Ehdotamme 20 metrin "
        "kelluvaa laituria, joka palvelisi myös kalastajia ja melojia.",
        states=(ProposalState.UNDER_REVIEW,), supporters=(EERO, ANNELI, HEIKKI, A),
        endorsers=(("Haapakimolan Kesäteatteri ry", PEKKA),)),
    DemoProposal(
        RIVER, "Perheniemen melontareitin opasteet", HEIKKI, "Perheniemen kyläseura ry", "Perheniemi",
        "nature_and_recreation", "4200", "Kymijoki, Perheniemi–Vuolenkoski",
        "Kymijoen melontareitti on hieno, mutta rantautumispaikkoja ei ole merkitty. Ehdotamme opasteita "
        "viidelle rantautumispaikalle ja reittikarttaa nettiin.",
        states=(ProposalState.UNDER_REVIEW,),
        answer="Kiitos aloitteesta. Tekninen toimi selvittää rantautumispaikkojen maanomistajat ennen "
               "päätöstä. Vastaus täydentyy arviointivaiheen lopussa.",
        supporters=(PEKKA, EERO, ANNELI)),
    DemoProposal(
        RIVER, "Vuolenkosken esteetön kalastuslaituri", EERO, None, "Vuolenkoski", "nature_and_recreation",
        "11000", "Vuolenkosken koski",
        "Koskikalastuspaikalle tarvitaan esteetön laituri, jotta myös liikuntarajoitteiset pääsevät kalaan.",
        supporters=(A, TUULA)),
    DemoProposal(
        RIVER, "Uimapaikka Mankalan puolelle", KARI, None, "Mankala", "nature_and_recreation", "5000", "",
        "Mankalan puolelle tarvitaan uimapaikka.", states=(ProposalState.WITHDRAWN,),
        notes={ProposalState.WITHDRAWN: ""}),
    # Voting phase
    DemoProposal(
        KAUSALA, "Kausalan torin penkit ja istutukset", MATTI, "Kausalan kyläyhdistys ry", "Kausala",
        "village_facilities", "8000", "Kausalan tori",
        "Torille kuusi penkkiä ja neljä isoa istutusallasta, joita kyläyhdistys hoitaa kesäisin.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        answer="Aloite on toteutettavissa ja mahtuu budjettiin. Se on mukana äänestyksessä.",
        supporters=(A, VILLE, SIRPA, EERO, RAIJA, TUULA)),
    DemoProposal(
        KAUSALA, "Asemanseudun pyöräkatos", A, None, "Kausala", "roads_and_lighting", "14000",
        "Kausalan rautatieasema",
        "Junalla Kouvolaan ja Lahteen kulkevat tarvitsevat katetun ja lukittavan pyöräpaikan asemalle.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        answer="Väylävirasto on antanut luvan katoksen sijoittamiselle. Aloite on mukana äänestyksessä.",
        supporters=(MATTI, VILLE, JUSSI)),
    DemoProposal(
        KAUSALA, "Kirjaston edustan valaistus", VILLE, None, "Kausala", "roads_and_lighting", "9000",
        "Kausalan kirjasto",
        "Kirjaston edusta on talvella pimeä. Ehdotan lisää valaisimia.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.REJECTED),
        answer="Kirjaston pihan valaistus uusitaan jo kunnan vuoden 2027 talousarviossa, joten aloite ei "
               "tarvitse tämän kuulemisen rahaa. Kiitos aloitteesta!",
        supporters=(MATTI,)),
    # Results phase
    DemoProposal(
        LIGHTS, "Sitikkalan raitin valaistus", RAIJA, "Sitikkalan kylätoimikunta", "Sitikkala",
        "roads_and_lighting", "26000", "Sitikkalan raitti, kylätalolta koululle",
        "Koululaiset kulkevat pimeää raittia pitkin. Ehdotamme 1,2 kilometrin matkalle led-valaistusta.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        answer="Hanke sai äänestyksessä eniten ääniä ja toteutetaan syksyllä. Urakoitsija on valittu.",
        supporters=(A, TUULA, EERO, MATTI, JUSSI)),
    DemoProposal(
        LIGHTS, "Radansuun koulutien katuvalot", JUSSI, "Radansuun kyläyhdistys ry", "Radansuu",
        "roads_and_lighting", "18000", "Radansuun koulutie",
        "Koulutien varrelle kuusi uutta valopylvästä.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        answer="Hanke toteutetaan. Valot syttyvät ennen koulujen alkua.",
        supporters=(A, RAIJA)),
    DemoProposal(
        LIGHTS, "Lyöttilän rantatien valot", ANNELI, None, "Lyöttilä", "roads_and_lighting", "40000",
        "Lyöttilän rantatie",
        "Rantatie on pimeä ja kapea. Ehdotan valaistusta koko matkalle.",
        states=(ProposalState.REJECTED,),
        answer="Rantatie on ELY-keskuksen hallinnoima maantie, joten kunta ei voi valaista sitä. "
               "Kunta on välittänyt aloitteen ELY-keskukselle.",
        notes={ProposalState.REJECTED: "Maantie ei ole kunnan hallinnassa."},
        supporters=(KARI, HEIKKI)),
    # Closed
    DemoProposal(
        BUDGET, "Kymijoen rantareitti", PEKKA, "Haapakimolan kyläyhdistys ry", None, "nature_and_recreation",
        "38000", "Vuolenkoski–Haapakimola",
        "Kymijoen vartta kulkeva **12 kilometrin ulkoilureitti** Vuolenkoskelta Haapakimolaan: "
        "pitkospuut kosteikkoihin, kaksi laavua ja opasteet.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED, ProposalState.IMPLEMENTED),
        answer="Rantareitti valmistui ja avattiin yleisölle. Reitti on merkitty maastoon, ja kartta löytyy "
               "kunnan sivuilta.",
        notes={ProposalState.IMPLEMENTED: "Reitti avattiin avajaistalkoissa."},
        supporters=EVERYONE[:10],
        endorsers=(("Vuolenkosken kyläyhdistys ry", EERO), ("Kausalan Urheilijat ry", VILLE))),
    DemoProposal(
        BUDGET, "Haapakimolan kesäteatterin katsomon katos", PEKKA, "Haapakimolan Kesäteatteri ry",
        "Haapakimola", "culture_and_events", "21000", "Haapakimolan kesäteatteri",
        "Katsomon katos, jotta esitykset voidaan pitää sateellakin.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED, ProposalState.IMPLEMENTED),
        answer="Katos valmistui ennen kesän ensi-iltaa.", supporters=(EERO, SIRPA, A, TUULA)),
    DemoProposal(
        BUDGET, "Kirkonkylän kotiseutumuseon opastetaulut", SIRPA, "Iitin kirkonkylän kyläyhdistys ry",
        "Kirkonkylä", "culture_and_events", "6000", "Iitin kotiseutumuseo",
        "Kotiseutumuseon pihapiiriin kuusi opastetaulua suomeksi, ruotsiksi ja englanniksi.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.ACCEPTED),
        answer="Hanke toteutetaan. Taulujen tekstit tehdään yhdessä kotiseutuyhdistyksen kanssa.",
        supporters=(A, EERO, KARI)),
    DemoProposal(
        BUDGET, "Perheniemen frisbeegolfrata", HEIKKI, None, "Perheniemi", "sports", "25000",
        "Perheniemen kartanon puisto",
        "Yhdeksän väylän frisbeegolfrata kartanon puistoon.",
        states=(ProposalState.UNDER_REVIEW, ProposalState.REJECTED),
        answer="Maanomistaja ei antanut lupaa radalle kartanon puistoon. Kunta etsii radalle toista paikkaa.",
        supporters=(VILLE, MATTI, A)),
]


def phase_days(current: Phase, on: date) -> list[DayWindow]:
    """The six phases laid out around `on` so that `current` is the phase that day."""
    index = PHASE_ORDER.index(current)
    starts = {current: on - timedelta(days=DAYS_INTO[current])}
    for i in range(index - 1, -1, -1):
        phase = PHASE_ORDER[i]
        starts[phase] = starts[PHASE_ORDER[i + 1]] - timedelta(days=DURATIONS[phase])
    for i in range(index + 1, len(PHASE_ORDER)):
        previous = PHASE_ORDER[i - 1]
        starts[PHASE_ORDER[i]] = starts[previous] + timedelta(days=DURATIONS[previous])
    return [DayWindow(phase, starts[phase],
                      starts[phase] + timedelta(days=DURATIONS[phase] - 1) if phase in DURATIONS else None)
            for phase in PHASE_ORDER]


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, email
    return user


def _association(name: str | None) -> Association | None:
    return db.session.scalar(sa.select(Association).where(Association.name == name)) if name else None


def _village(name: str | None) -> Village | None:
    return db.session.scalar(sa.select(Village).where(Village.name == name)) if name else None


def _ensure_consultation(spec: DemoConsultation, coordinator: User, on: date) -> Consultation:
    windows = phase_days(spec.phase, on)
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.title == spec.title))
    village = _village(spec.village)
    if consultation is None:
        return save_consultation(coordinator, None, title=spec.title, description=spec.description,
                                 village_id=village.id if village else None, windows=windows, phase_override=None,
                                 answer_days=spec.answer_days)
    # Already there: move its dates so it is in its phase today (rows kept, nothing audited).
    rows = {row.phase: row for row in consultation.phases}
    for window in windows:
        stored = window.to_window()
        row = rows.get(window.phase.value)
        if row is not None:
            row.starts_at, row.ends_at = stored.starts_at, stored.ends_at
    db.session.commit()
    return consultation


def _moment(day: date, hours: int = 10) -> datetime:
    """A moment on a local day, never in the future."""
    return min(local_midnight_utc(day) + timedelta(hours=hours), utcnow() - timedelta(minutes=5))


def _ensure_proposal(spec: DemoProposal, consultation: Consultation, number: int, board: User, on: date) -> None:
    if db.session.scalar(sa.select(Proposal.id).where(Proposal.title == spec.title)):
        return
    windows = {w.phase: w for w in phase_days(next(c.phase for c in CONSULTATIONS
                                                   if c.title == spec.consultation), on)}
    created = _moment(windows[Phase.PROPOSALS].starts_on + timedelta(days=1 + number % 9), 9 + number % 8)
    author = _user(spec.author)
    association = _association(spec.association)
    village = _village(spec.village)
    proposal = Proposal(consultation_id=consultation.id, author_id=author.id,
                        association_id=association.id if association else None,
                        village_id=village.id if village else None, title=spec.title, body=spec.body,
                        category=spec.category, estimated_cost=Decimal(spec.cost) if spec.cost else None,
                        location=spec.location, state=ProposalState.SUBMITTED, created_at=created,
                        updated_at=created)
    db.session.add(proposal)
    db.session.flush()
    db.session.add(Follow(user_id=author.id, proposal_id=proposal.id, created_at=created))
    for i, email in enumerate(spec.supporters):
        if email != spec.author:
            db.session.add(Support(proposal_id=proposal.id, user_id=_user(email).id,
                                   created_at=min(created + timedelta(hours=5 + 7 * i), utcnow())))
    for i, (name, email) in enumerate(spec.endorsers):
        db.session.add(Endorsement(proposal_id=proposal.id, association_id=_association(name).id,
                                   user_id=_user(email).id, created_at=min(created + timedelta(days=1 + i), utcnow())))

    # State moves: into review when the review phase opened, decisions a little later.
    moment = _moment(windows[Phase.REVIEW].starts_on + timedelta(days=number % 3), 13)
    for step, target in enumerate(spec.states):
        if target == ProposalState.IMPLEMENTED:
            moment = _moment(windows[Phase.RESULTS].starts_on + timedelta(days=10), 12)
        elif target == ProposalState.WITHDRAWN:
            moment = _moment(windows[Phase.PROPOSALS].ends_on, 18)
        elif step:
            moment = min(moment + timedelta(days=6), utcnow() - timedelta(minutes=4))
        actor = author if target == ProposalState.WITHDRAWN else board
        note = spec.notes.get(target, "")
        db.session.add(ProposalStateChange(proposal_id=proposal.id, from_state=proposal.state, to_state=target,
                                           changed_by_id=actor.id, changed_at=moment, note=note))
        if actor is board:
            entry = record(board, "proposal.state_changed", proposal, from_state=proposal.state, to_state=target,
                           note=note)
            entry.created_at = moment
        proposal.state = target
    if spec.answer:
        proposal.answer = spec.answer
        proposal.answered_by_id = board.id
        proposal.answered_at = min(moment + timedelta(hours=2), utcnow() - timedelta(minutes=3))
        record(board, "proposal.answered", proposal).created_at = proposal.answered_at
    db.session.commit()


def seed_consultations() -> None:
    """Consultations in every phase with proposals, supports, endorsements, answers and follows."""
    on = today()
    coordinator, board = _user(COORDINATOR), _user(BOARD)
    consultations = {spec.title: _ensure_consultation(spec, coordinator, on) for spec in CONSULTATIONS}
    for number, spec in enumerate(PROPOSALS):
        _ensure_proposal(spec, consultations[spec.consultation], number, board, on)
    # The demo resident follows the open call, so new proposals there reach her by email.
    resident = _user(A)
    invest = consultations[INVEST]
    if not db.session.scalar(sa.select(Follow.id).where(Follow.user_id == resident.id,
                                                        Follow.consultation_id == invest.id)):
        db.session.add(Follow(user_id=resident.id, consultation_id=invest.id))
        db.session.commit()
