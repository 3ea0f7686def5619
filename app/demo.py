"""Demo data for a newcomer: Iitti's villages, associations and people in every role.

Idempotent: running it again finds what exists (by name or email) and adds only what is missing.
"""
from datetime import date

import sqlalchemy as sa

from app.audit.services import record
from app.auth import services as auth_services
from app.directory.models import Association, AssociationKind, Representation, RepresentationStatus, Village
from app.directory.services import slugify
from app.extensions import db
from app.proposals.demo import seed_consultations
from app.timeutil import utcnow

DEMO_PASSWORD = "kylaraati-demo-2026"

VILLAGES = {
    "Kausala": "Iitin kuntakeskus ja suurin taajama radan varrella.",
    "Kirkonkylä": "Iitin vanha kirkonkylä Pyhäjärven rannalla, kirkko ja kotiseutumuseo.",
    "Vuolenkoski": "Kymijoen varren kylä, jossa on vanha myllykoski ja aktiivinen kyläyhdistys.",
    "Radansuu": "Kylä Kausalan ja Kouvolan välillä radan varrella.",
    "Sitikkala": "Maatalousvaltainen kylä Iitin kaakkoisosassa.",
    "Haapakimola": "Kylä Kymijoen rannalla, tunnettu kesäteatteristaan.",
    "Kymentaka": "Kymijoen taakse jäävä kylä, jonka kylätalo kokoaa asukkaat.",
    "Perheniemi": "Kylä Perheniemen kartanon ja Kymijoen tuntumassa.",
    "Lyöttilä": "Järvikylä Urajärven lähellä, kesäasukkaita ja vakituisia yhdessä.",
    "Mankala": "Kymijoen voimalaitoskylä Iitin pohjoisosassa.",
}

# (name, kind, village, description, contact email)
ASSOCIATIONS = [
    ("Kausalan kyläyhdistys ry", AssociationKind.VILLAGE, "Kausala",
     "Kausalan asukkaiden yhteinen ääni: siisteystalkoot, joulunavaus ja kylän kehittäminen.",
     "kausala@demo.kylaraati.fi"),
    ("Iitin kirkonkylän kyläyhdistys ry", AssociationKind.VILLAGE, "Kirkonkylä",
     "Kirkonkylän kyläyhdistys ylläpitää kylätaloa ja järjestää **Iitin markkinat**.",
     "kirkonkyla@demo.kylaraati.fi"),
    ("Vuolenkosken kyläyhdistys ry", AssociationKind.VILLAGE, "Vuolenkoski",
     "Vuolenkosken kylätalo, uimaranta ja kesäjuhlat.", "vuolenkoski@demo.kylaraati.fi"),
    ("Radansuun kyläyhdistys ry", AssociationKind.VILLAGE, "Radansuu",
     "Radansuun kylän yhteiset asiat: tiet, valaistus ja kyläjuhlat.", "radansuu@demo.kylaraati.fi"),
    ("Sitikkalan kylätoimikunta", AssociationKind.VILLAGE, "Sitikkala",
     "Kylätoimikunta hoitaa kylätaloa ja pitää yhteyttä kuntaan.", "sitikkala@demo.kylaraati.fi"),
    ("Haapakimolan kyläyhdistys ry", AssociationKind.VILLAGE, "Haapakimola",
     "Kyläyhdistys ja kesäteatterin taustajoukot.", "haapakimola@demo.kylaraati.fi"),
    ("Kymentaan kyläyhdistys ry", AssociationKind.VILLAGE, "Kymentaka",
     "Kymentaan kylätalo ja talkooporukka.", "kymentaka@demo.kylaraati.fi"),
    ("Perheniemen kyläseura ry", AssociationKind.VILLAGE, "Perheniemi",
     "Perheniemen kyläseura järjestää kylän yhteiset tapahtumat.", "perheniemi@demo.kylaraati.fi"),
    ("Lyöttilän kyläyhdistys ry", AssociationKind.VILLAGE, "Lyöttilä",
     "Lyöttilän kyläyhdistys: venevalkama, laavu ja kesäasukkaiden illat.", "lyottila@demo.kylaraati.fi"),
    ("Mankalan kyläyhdistys ry", AssociationKind.VILLAGE, "Mankala",
     "Mankalan kyläyhdistys vaalii voimalaitoskylän historiaa.", "mankala@demo.kylaraati.fi"),
    ("Kausalan Urheilijat ry", AssociationKind.SPORTS, "Kausala",
     "Yleisurheilua, hiihtoa ja kuntoliikuntaa kaikenikäisille.", "urheilijat@demo.kylaraati.fi"),
    ("Iitin Nuorisoseura ry", AssociationKind.YOUTH, "Kirkonkylä",
     "Nuorisoseura: teatteria, tansseja ja nuorten iltoja nuorisoseurantalolla.", "nuorisoseura@demo.kylaraati.fi"),
    ("Haapakimolan Kesäteatteri ry", AssociationKind.CULTURE, "Haapakimola",
     "Kesäteatteri Kymijoen rannalla, esitykset kesä–elokuussa.", "teatteri@demo.kylaraati.fi"),
    ("Vuolenkosken Martat ry", AssociationKind.OTHER, "Vuolenkoski",
     "Ruokaa, kotitaloutta ja yhdessäoloa – Martat ovat mukana kylän tapahtumissa.", "martat@demo.kylaraati.fi"),
]

# (role shown in the printout, email, display name, coordinator, board member, [(association, role)])
PEOPLE = [
    ("resident", "asukas@demo.kylaraati.fi", "Aino Asukas", False, False, []),
    ("representative", "edustaja@demo.kylaraati.fi", "Eero Edustaja", False, False,
     [("Vuolenkosken kyläyhdistys ry", "representative"), ("Vuolenkosken Martat ry", "deputy")]),
    ("board member", "lautakunta@demo.kylaraati.fi", "Leena Lautakunta", False, True, []),
    ("coordinator", "koordinaattori@demo.kylaraati.fi", "Kaisa Koordinaattori", True, False, []),
    (None, "matti.kausala@demo.kylaraati.fi", "Matti Virtanen", False, False,
     [("Kausalan kyläyhdistys ry", "representative")]),
    (None, "sirpa.kirkonkyla@demo.kylaraati.fi", "Sirpa Laine", False, False,
     [("Iitin kirkonkylän kyläyhdistys ry", "representative"), ("Iitin Nuorisoseura ry", "deputy")]),
    (None, "jussi.radansuu@demo.kylaraati.fi", "Jussi Heikkinen", False, False,
     [("Radansuun kyläyhdistys ry", "representative")]),
    (None, "raija.sitikkala@demo.kylaraati.fi", "Raija Koskinen", False, False,
     [("Sitikkalan kylätoimikunta", "representative")]),
    (None, "pekka.haapakimola@demo.kylaraati.fi", "Pekka Nieminen", False, False,
     [("Haapakimolan kyläyhdistys ry", "representative"), ("Haapakimolan Kesäteatteri ry", "representative")]),
    (None, "tuula.kymentaka@demo.kylaraati.fi", "Tuula Mäkinen", False, False,
     [("Kymentaan kyläyhdistys ry", "representative")]),
    (None, "heikki.perheniemi@demo.kylaraati.fi", "Heikki Järvinen", False, False,
     [("Perheniemen kyläseura ry", "representative")]),
    (None, "anneli.lyottila@demo.kylaraati.fi", "Anneli Lehtonen", False, False,
     [("Lyöttilän kyläyhdistys ry", "representative")]),
    (None, "kari.mankala@demo.kylaraati.fi", "Kari Salminen", False, False,
     [("Mankalan kyläyhdistys ry", "representative")]),
    (None, "ville.urheilijat@demo.kylaraati.fi", "Ville Hämäläinen", False, False,
     [("Kausalan Urheilijat ry", "representative")]),
]

# A request still waiting, so the coordinator's queue is not empty.
PENDING = [("asukas@demo.kylaraati.fi", "Kausalan kyläyhdistys ry", "deputy")]

MANDATE_START = date(2026, 1, 1)


def _get_or_create(model, lookup: dict, **fields):
    obj = db.session.scalar(sa.select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **fields)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed() -> list[tuple[str, str]]:
    """Load the demo data; return (role, email) of the demo logins."""
    villages = {name: _get_or_create(Village, {"name": name}, slug=slugify(name), description=text)
                for name, text in VILLAGES.items()}
    associations = {
        name: _get_or_create(Association, {"name": name}, kind=kind, village=villages[village],
                             description=description, contact_email=email)
        for name, kind, village, description, email in ASSOCIATIONS
    }
    db.session.commit()

    coordinator = None
    logins = []
    people = {}
    for role, email, name, is_coordinator, is_board, mandates in PEOPLE:
        user = auth_services.find_user_by_email(email)
        if user is None:
            user = auth_services.register_user(email, name, DEMO_PASSWORD)
        user.is_coordinator = is_coordinator
        user.is_board_member = is_board
        people[email] = (user, mandates)
        if is_coordinator:
            coordinator = user
        if role:
            logins.append((role, email))
    for user, mandates in people.values():
        for association_name, mandate_role in mandates:
            _ensure_mandate(user, associations[association_name], mandate_role,
                            RepresentationStatus.APPROVED, coordinator)
    for email, association_name, mandate_role in PENDING:
        _ensure_mandate(people[email][0], associations[association_name], mandate_role,
                        RepresentationStatus.PENDING, None)
    db.session.commit()
    seed_consultations()
    from app.comments.demo import seed_comments  # here: it looks up the proposals made just above

    seed_comments()
    from app.budgets.demo import seed_budgets  # here: its projects are made of the proposals above

    seed_budgets()
    from app.meetings.demo import seed_meetings  # here: its decisions link the proposals and budgets above

    seed_meetings()
    from app.comments.demo import seed_agenda_comments  # here: on an item of the planned meeting above

    seed_agenda_comments()
    from app.events.demo import seed_events  # here: after the associations and people above

    seed_events()
    from app.notifications.demo import seed_notifications  # here: made of the proposals, comments and budgets above

    seed_notifications()
    return logins


def _ensure_mandate(user, association, role, status, coordinator) -> None:
    exists = db.session.scalar(sa.select(Representation.id).where(
        Representation.user_id == user.id, Representation.association_id == association.id))
    if exists:
        return
    representation = Representation(user=user, association=association, role=role, status=status,
                                    starts_on=MANDATE_START)
    db.session.add(representation)
    if status == RepresentationStatus.APPROVED:
        representation.decided_at = utcnow()
        representation.decided_by_id = coordinator.id
        db.session.flush()
        record(coordinator, "representation.approved", representation, user_id=user.id,
               association_id=association.id, reason="demo data")
