"""Demo events, called from app.demo.seed() after the associations and people exist.

A season of events across Iitti's villages laid out around today: some already past, most coming; two
co-organised (one confirmed, one invitation still pending), volunteer tasks with sign-ups (one task full),
and one cancelled event. Idempotent: events are found by organiser and title, tasks by title within their
event, sign-ups by person and task, so running `flask seed-demo` again adds nothing.
"""
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.auth.models import User
from app.directory.models import Association
from app.events.models import Event, EventCoOrganiser, TaskSignup, VolunteerTask
from app.events.rules import (
    CoOrganiserStatus,
    EventCategory,
    EventStatus,
    local_to_utc,
    utc_to_local,
)
from app.extensions import db
from app.timeutil import today, utcnow


@dataclass(frozen=True)
class DemoTask:
    title: str
    capacity: int
    starts: time | None = None
    ends: time | None = None
    volunteers: tuple[str, ...] = ()  # emails of demo people


@dataclass(frozen=True)
class DemoEvent:
    organiser: str
    title: str
    days_from_today: int
    starts: time | None  # None: all day
    ends: time | None
    category: str
    place: str
    description: str
    price: Decimal | None = None
    accessibility: str = ""
    co_organisers: tuple[tuple[str, str], ...] = ()  # (association, status)
    tasks: tuple[DemoTask, ...] = field(default=())
    cancelled: str = ""  # the reason, when cancelled
    days: int = 1


EVENTS = [
    DemoEvent("Vuolenkosken kyläyhdistys ry", "Vuolenkosken kyläjuhla", 12, time(12), time(17),
              EventCategory.VILLAGE_PARTY, "Vuolenkosken kylätalo",
              "Perinteinen kyläjuhla: **arpajaiset**, lasten ongintaa ja Marttojen kahvio.\n\n"
              "Tervetuloa koko perhe!", None, "Esteetön sisäänkäynti pihan puolelta, inva-WC.",
              co_organisers=(("Vuolenkosken Martat ry", CoOrganiserStatus.CONFIRMED),),
              tasks=(DemoTask("Kahvio 12–14", 3, time(12), time(14),
                              ("asukas@demo.kylaraati.fi", "matti.kausala@demo.kylaraati.fi")),
                     DemoTask("Arpajaiset", 2, time(12), time(17), ("asukas@demo.kylaraati.fi",)),
                     DemoTask("Pysäköinnin opastus", 1, time(11, 30), time(13),
                              ("sirpa.kirkonkyla@demo.kylaraati.fi",)))),
    DemoEvent("Iitin kirkonkylän kyläyhdistys ry", "Iitin markkinat", 26, None, None, EventCategory.MARKET,
              "Kirkonkylän tori", "Käsitöitä, leivonnaisia ja kirpputori. Myyntipaikat kyläyhdistykseltä.",
              accessibility="Tori on tasainen; WC kylätalolla.", days=2,
              co_organisers=(("Iitin Nuorisoseura ry", CoOrganiserStatus.CONFIRMED),
                             ("Kausalan kyläyhdistys ry", CoOrganiserStatus.PENDING)),
              tasks=(DemoTask("Myyntipaikkojen pystytys", 6, time(7), time(9),
                              ("edustaja@demo.kylaraati.fi",)),)),
    DemoEvent("Kausalan Urheilijat ry", "Kausalan kuntohölkkä", 19, time(10), time(13), EventCategory.SPORTS,
              "Kausalan urheilukenttä", "5 ja 10 km reitit, lapsille 1 km. Ilmoittautuminen paikan päällä.",
              Decimal("5.00"), "Lasten reitti on asfalttia.",
              tasks=(DemoTask("Ajanotto", 2, time(9, 30), time(13)),
                     DemoTask("Juomapiste", 3, time(10), time(12), ("matti.kausala@demo.kylaraati.fi",)))),
    DemoEvent("Kymentaan kyläyhdistys ry", "Kylätalon talkoot", 8, time(9), time(14), EventCategory.TALKOOT,
              "Kymentaan kylätalo", "Ikkunanpesua, lumitöitä ja laiturin kunnostus. Talkoosoppa tarjolla!",
              tasks=(DemoTask("Laiturin kunnostus", 4, time(9), time(12), ("asukas@demo.kylaraati.fi",)),)),
    DemoEvent("Haapakimolan Kesäteatteri ry", "Kesäteatterin avoimet ovet", 40, time(18), time(20, 30),
              EventCategory.CULTURE, "Haapakimolan kesäteatteri",
              "Ensi kesän näytelmän lukuharjoitus: tule kuuntelemaan tai mukaan rooliin.", None,
              "Harjoitustilaan pääsee pyörätuolilla.",
              tasks=(DemoTask("Kahvitarjoilu", 2, time(17), time(18, 30)),)),
    DemoEvent("Perheniemen kyläseura ry", "Perheniemen kyläilta", 5, time(18), time(21), EventCategory.MEETING,
              "Perheniemen seurojentalo", "Kyläilta: kylän kuulumiset ja ensi vuoden suunnitelmat."),
    DemoEvent("Mankalan kyläyhdistys ry", "Voimalaitoskylän historiakävely", 15, time(14), time(16),
              EventCategory.CULTURE, "Mankalan voimalaitoksen portti", "Opastettu kävely kylän historiaan.",
              cancelled="Opas sairastui. Uusi aika ilmoitetaan myöhemmin."),
    DemoEvent("Lyöttilän kyläyhdistys ry", "Lyöttilän laavutalkoot", -20, time(10), time(15), EventCategory.TALKOOT,
              "Lyöttilän venevalkama", "Laavun polttopuut ja rannan siivous.",
              tasks=(DemoTask("Rannan siivous", 5, time(10), time(13), ("asukas@demo.kylaraati.fi",)),)),
    DemoEvent("Radansuun kyläyhdistys ry", "Radansuun kylätanssit", -45, time(13), time(22), EventCategory.VILLAGE_PARTY,
              "Radansuun koulu", "Elävää musiikkia ja iltatanssit koulun salissa."),
    DemoEvent("Sitikkalan kylätoimikunta", "Sitikkalan kylätori", -10, time(11), time(15), EventCategory.MARKET,
              "Sitikkalan kylätalo", "Kylätori ja kahvitarjoilu."),
]


def seed_events() -> None:
    """Add the demo events that are missing (found by organiser and title)."""
    associations = {a.name: a for a in db.session.scalars(sa.select(Association))}
    people = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.like("%@demo.kylaraati.fi")))}
    creator = people.get("edustaja@demo.kylaraati.fi")
    on, now = today(), utcnow()
    for spec in EVENTS:
        organiser = associations[spec.organiser]
        event = db.session.scalar(sa.select(Event).where(Event.organiser_id == organiser.id,
                                                         Event.title == spec.title))
        if event is None:
            day = on + timedelta(days=spec.days_from_today)
            if spec.starts is None:
                starts_at, ends_at = local_to_utc(day, time.min), local_to_utc(day + timedelta(days=spec.days), time.min)
            else:
                starts_at, ends_at = local_to_utc(day, spec.starts), local_to_utc(day, spec.ends)
            event = Event(organiser=organiser, village=organiser.village, title=spec.title, place=spec.place,
                          description=spec.description, category=spec.category, starts_at=starts_at,
                          ends_at=ends_at, all_day=spec.starts is None, price=spec.price,
                          accessibility=spec.accessibility, status=EventStatus.PUBLISHED, created_by=creator,
                          created_at=now, updated_at=now, published_at=now)
            if spec.cancelled:
                event.status, event.cancelled_at, event.cancel_reason = EventStatus.CANCELLED, now, spec.cancelled
            db.session.add(event)
            db.session.flush()
        invited = {c.association_id for c in event.co_organisers}
        for name, status in spec.co_organisers:
            if associations[name].id not in invited:
                db.session.add(EventCoOrganiser(event=event, association=associations[name], status=status,
                                                invited_at=now, answered_at=now if status != "pending" else None))
        tasks = {t.title: t for t in event.tasks}
        for task_spec in spec.tasks:
            task = tasks.get(task_spec.title)
            if task is None:
                day = utc_to_local(event.starts_at).date()
                task = VolunteerTask(event=event, title=task_spec.title, capacity=task_spec.capacity,
                                     starts_at=local_to_utc(day, task_spec.starts) if task_spec.starts else None,
                                     ends_at=local_to_utc(day, task_spec.ends) if task_spec.ends else None,
                                     created_at=now, updated_at=now)
                db.session.add(task)
                db.session.flush()
            taken = {s.user_id for s in task.signups if s.cancelled_at is None}
            for email in task_spec.volunteers:
                person = people.get(email)
                if person is not None and person.id not in taken:
                    db.session.add(TaskSignup(task=task, user=person, created_at=now))
    db.session.commit()
