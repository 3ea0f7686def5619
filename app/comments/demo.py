"""Demo discussions on the demo proposals, called at the end of app.demo.seed().

Idempotent: a comment is found by its proposal, author and text, a report by its reporter and
comment. Proposals are looked up by title; a missing one is skipped. Shows stances, replies, a
comment a moderator has hidden (with its resolved report) and one report still waiting.
`seed_agenda_comments()` (called after the meetings demo) adds residents' comments on an agenda
item of the planned demo meeting.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.audit.services import record
from app.auth import services as auth_services
from app.auth.models import User
from app.comments.models import Comment, Report
from app.extensions import db
from app.proposals.demo import (  # the demo people, named once
    A as AINO,
    ANNELI,
    EERO,
    HEIKKI,
    JUSSI,
    KARI,
    MATTI,
    PEKKA,
    RAIJA,
    SIRPA,
    TUULA,
    VILLE,
)
from app.meetings.models import AgendaItem, Meeting
from app.meetings.rules import MeetingStatus
from app.proposals.models import Proposal
from app.timeutil import utcnow

COORDINATOR = "koordinaattori@demo.kylaraati.fi"
# A writer whose comments end up in the moderation queue (not a demo login).
NICKNAME = ("nimimerkki@demo.kylaraati.fi", "Kesäasukas")


@dataclass(frozen=True)
class DemoComment:
    author: str  # email
    body: str
    hours: int  # after the proposal was made
    stance: str | None = None
    replies: tuple["DemoComment", ...] = ()
    reports: tuple[tuple[str, str], ...] = ()  # (reporter's email, reason)
    hidden_reason: str = ""  # hidden by the demo coordinator


DISCUSSIONS: dict[str, tuple[DemoComment, ...]] = {
    "Vuolenkosken kylätalon katon korjaus": (
        DemoComment(AINO, "Kylätalo on Vuolenkosken sydän. Marttojen illassa viime viikolla salin lattialla oli "
                          "kaksi ämpäriä. Korjaus kannattaa tehdä ennen kuin vesi pääsee rakenteisiin.", 20, "for",
                    replies=(
                        DemoComment(EERO, "Kiitos, Aino! Kattoasiantuntija kävi syyskuussa, ja hänen mukaansa "
                                          "aluskate on vielä pelastettavissa, jos katto uusitaan ensi kesänä.", 23),
                        DemoComment(TUULA, "Kymentaan kyläyhdistys voi lainata telineet purkutalkoisiin.", 30),
                    )),
        DemoComment(MATTI, "Hyvä hanke, mutta 18 500 € on iso osa investointirahasta. Onko kysytty, kuuluuko "
                           "katon korjaus kunnan kiinteistöjen kunnossapitoon?", 44, "neutral",
                    replies=(
                        DemoComment(EERO, "Kylätalo on kyläyhdistyksen oma, joten kunnan kunnossapito ei koske "
                                          "sitä. Haimme myös Leader-rahoitusta, mutta seuraava haku on vasta 2028.",
                                    47),
                    )),
        DemoComment(SIRPA, "Kirkonkylässä tehtiin sama remontti 2021, ja talkootyö pudotti hintaa lähes "
                           "kolmanneksen. Kunnan avustusohjeet löytyvät osoitteesta https://www.iitti.fi", 60, "for"),
        DemoComment(JUSSI, "Kannatan kylätaloja, mutta tästä rahasta pitäisi ensin hoitaa liikenneturvallisuus. "
                           "Radansuun pysäkillä lapset seisovat pimeässä tien reunassa.", 75, "against"),
    ),
    "Lyöttilän rantasauna": (
        DemoComment(HEIKKI, "Talviuinti on tuonut Urajärvelle väkeä koko Iitistä. Sauna palvelisi myös "
                            "Perheniemen uimareita.", 12, "for",
                    replies=(
                        DemoComment(ANNELI, "Juuri niin. Vuorovarauskalenteri tulisi kyläyhdistyksen sivuille, "
                                            "ja avoin yleinen vuoro olisi joka lauantai.", 15),
                    )),
        DemoComment(KARI, "Puulämmitteinen rantasauna tarkoittaa, että joku lämmittää sitä talkoilla joka viikko. "
                          "Riittävätkö tekijät vielä viiden vuoden päästä?", 30, "against",
                    replies=(
                        DemoComment(AINO, "Sama huoli. Voisiko saunan tehdä sähkökiukaalla ja ajastimella?", 34),
                    )),
        DemoComment(NICKNAME[0], "Turha hanke, hallitus on pelkkiä hyvä veli -tyyppejä. Soittakaa Anneli "
                                 "Lehtoselle numeroon 040 555 1234 ja kertokaa se hänelle suoraan.", 40, "against",
                    reports=((HEIKKI, "Julkaisee toisen ihmisen puhelinnumeron ja nimittelee."),),
                    hidden_reason="Viestissä oli toisen ihmisen puhelinnumero ja henkilöön kohdistuvaa "
                                  "nimittelyä. Asiallinen kritiikki on tervetullutta."),
        DemoComment(RAIJA, "Sitikkalassa kylätalon sauna on ollut käytössä 30 vuotta talkoovoimin. Vuorolista "
                           "ja selvä vastuuhenkilö ratkaisevat paljon.", 52, "neutral"),
    ),
    "Radansuun bussikatos": (
        DemoComment(JUSSI, "Radansuun kyläyhdistys tukee tätä. Laskimme viime viikolla: aamulla pysäkillä odotti "
                           "23 ihmistä, joista 14 koululaisia.", 8, "for",
                    replies=(DemoComment(AINO, "Kiitos laskennasta, lisään luvut aloitteeseen.", 10),)),
        DemoComment(RAIJA, "Katokseen kannattaa laittaa heijastava pysäkkimerkki. Sitikkalassa se on auttanut: "
                           "autoilijat näkevät odottajat ajoissa.", 26, "neutral"),
        DemoComment(NICKNAME[0], "Katokset ovat rahan haaskausta, odottakoot autossa kuten kaikki muutkin. Taas "
                                 "näitä Radansuun valittajia.", 31, "against",
                    reports=((JUSSI, "Halventaa Radansuun asukkaita eikä kommentoi itse aloitetta."),)),
    ),
    "Haapakimolan venelaituri": (
        DemoComment(EERO, "Vuolenkoskelta melotaan usein Haapakimolaan asti, ja laituri olisi hyvä taukopaikka.",
                    18, "for"),
        DemoComment(HEIKKI, "Onko laiturin talvisäilytys mietitty? Jäät vievät kiinteän laiturin.", 29, "neutral",
                    replies=(DemoComment(PEKKA, "Laituri on ponttonilaituri, joka nostetaan syksyllä talkoilla "
                                                "rantaan.", 33),)),
    ),
    "Asemanseudun pyöräkatos": (
        DemoComment(VILLE, "Urheilijoiden juniorit tulevat junalla harjoituksiin. Katettu ja lukittava "
                           "pyöräpaikka olisi iso parannus.", 14, "for"),
        DemoComment(MATTI, "Asemalla on jo telineet. Rahan voisi käyttää torin penkkeihin, joita käyttävät kaikki.",
                    27, "against",
                    replies=(DemoComment(VILLE, "Telineet ovat, mutta ilman katosta pyörät ovat talvella lumen "
                                                "alla.", 29),)),
    ),
    "Sitikkalan raitin valaistus": (
        DemoComment(AINO, "Hienoa, että tämä meni läpi! Raitilla kulkee iltaisin paljon koiranulkoiluttajia.",
                    16, "for"),
        DemoComment(MATTI, "Toivottavasti valaisimiksi valitaan LED-valot, joita himmennetään yöksi.", 40, "neutral"),
    ),
}


def _person(email: str) -> User | None:
    user = auth_services.find_user_by_email(email)
    if user is None and email == NICKNAME[0]:
        from app.demo import DEMO_PASSWORD

        user = auth_services.register_user(email, NICKNAME[1], DEMO_PASSWORD)
    return user


def _moment(proposal: Proposal, hours: int, latest: datetime) -> datetime:
    """`hours` after the proposal was made, but never later than `latest` (the past)."""
    return min(proposal.created_at + timedelta(hours=hours), latest)


def _ensure_comment(proposal: Proposal, spec: DemoComment, parent: Comment | None, order: int,
                    coordinator: User) -> Comment | None:
    author = _person(spec.author)
    if author is None:
        return None
    comment = db.session.scalar(sa.select(Comment).where(
        Comment.proposal_id == proposal.id, Comment.author_id == author.id, Comment.body == spec.body))
    if comment is None:
        # Keep the written order even when the proposal is recent: older than 15 minutes, so not editable.
        latest = utcnow() - timedelta(minutes=20 + 3 * (40 - order))
        comment = Comment(proposal_id=proposal.id, author_id=author.id, body=spec.body, stance=spec.stance,
                          parent_id=parent.id if parent else None, created_at=_moment(proposal, spec.hours, latest))
        db.session.add(comment)
        db.session.flush()
    for email, reason in spec.reports:
        reporter = _person(email)
        if reporter and not db.session.scalar(sa.select(Report.id).where(Report.reporter_id == reporter.id,
                                                                         Report.comment_id == comment.id)):
            db.session.add(Report(reporter_id=reporter.id, comment_id=comment.id, reason=reason,
                                  created_at=min(comment.created_at + timedelta(minutes=40), utcnow())))
            db.session.flush()
    if spec.hidden_reason and comment.hidden_at is None:
        hidden_at = min(comment.created_at + timedelta(hours=3), utcnow() - timedelta(minutes=10))
        comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = hidden_at, spec.hidden_reason, coordinator.id
        resolved = 0
        for entry in db.session.scalars(sa.select(Report).where(Report.comment_id == comment.id,
                                                                Report.resolution.is_(None))):
            entry.resolution, entry.resolved_at, entry.resolved_by_id = "hidden", hidden_at, coordinator.id
            resolved += 1
        record(coordinator, "comment.hidden", comment, reason=spec.hidden_reason, reports_resolved=resolved,
               author_id=comment.author_id).created_at = hidden_at
    return comment


def seed_comments() -> None:
    """Discussions with stances and replies, one hidden comment and one open report, on the demo proposals."""
    coordinator = auth_services.find_user_by_email(COORDINATOR)
    if coordinator is None:
        return
    for title, specs in DISCUSSIONS.items():
        proposal = db.session.scalar(sa.select(Proposal).where(Proposal.title == title))
        if proposal is None:
            continue  # the proposal demo data does not have it (any more): nothing to discuss
        order = 0
        for spec in specs:
            order += 1
            comment = _ensure_comment(proposal, spec, None, order, coordinator)
            for reply in spec.replies if comment is not None else ():
                order += 1
                _ensure_comment(proposal, reply, comment, order, coordinator)
    db.session.commit()


# Comments on an item of the planned demo meeting: (meeting title, item title) -> main comments.
AGENDA_DISCUSSIONS: dict[tuple[str, str], tuple[DemoComment, ...]] = {
    ("Kokous 1/2027", "Kylien investointirahan 2027 aloitteet"): (
        DemoComment(RAIJA, "Toivon, että neuvottelukunta käsittelee bussikatoksen ensin: se koskee lasten "
                           "turvallisuutta jo tänä talvena.", 50, "for",
                    replies=(DemoComment(JUSSI, "Samaa mieltä. Radansuun kyläyhdistys voi hoitaa katoksen "
                                                "lumityöt.", 46),)),
        DemoComment(MATTI, "Investointirahaa on rajallisesti. Pyydän, että kokouksessa kerrotaan, paljonko kukin "
                           "aloite maksaisi kunnalle vuodessa ylläpitoineen.", 30, "neutral"),
    ),
}


def _ensure_agenda_comment(item: AgendaItem, spec: DemoComment, parent: Comment | None) -> Comment | None:
    author = _person(spec.author)
    if author is None:
        return None
    comment = db.session.scalar(sa.select(Comment).where(
        Comment.agenda_item_id == item.id, Comment.author_id == author.id, Comment.body == spec.body))
    if comment is None:
        # `hours` before now: the discussion runs while the meeting is planned.
        comment = Comment(agenda_item_id=item.id, author_id=author.id, body=spec.body, stance=spec.stance,
                          parent_id=parent.id if parent else None,
                          created_at=utcnow() - timedelta(hours=spec.hours))
        db.session.add(comment)
        db.session.flush()
    return comment


def seed_agenda_comments() -> None:
    """Residents' comments with stances and a reply on an agenda item of the planned demo meeting."""
    for (meeting_title, item_title), specs in AGENDA_DISCUSSIONS.items():
        item = db.session.scalar(sa.select(AgendaItem).join(Meeting).where(
            Meeting.title == meeting_title, Meeting.status == MeetingStatus.PLANNED, AgendaItem.title == item_title))
        if item is None:
            continue  # the meetings demo data does not have it (any more)
        for spec in specs:
            comment = _ensure_agenda_comment(item, spec, None)
            for reply in spec.replies if comment is not None else ():
                _ensure_agenda_comment(item, reply, comment)
    db.session.commit()
