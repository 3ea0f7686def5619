"""Fixtures and helpers shared by the consultation and proposal tests."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import Consultation, ConsultationPhase
from app.extensions import db
from app.proposals.models import Endorsement, Follow, Proposal, ProposalStateChange, Support
from app.timeutil import utcnow
from tests.conftest import post_form

DAY = timedelta(days=1)


@pytest.fixture
def make_consultation(app):
    """A consultation whose windows are given as (phase, start, end) offsets from now.

    By default it is in its proposals phase: from yesterday to a month from now.
    """
    def make(title: str = "Kylien investointiraha 2027", windows=(("proposals", -DAY, 30 * DAY),),
             override: str | None = None, village=None, description: str = ""):
        now = utcnow()
        consultation = Consultation(title=title, phase_override=override, village=village,
                                    description=description)
        for phase, starts, ends in windows:
            consultation.phases.append(ConsultationPhase(phase=phase, starts_at=now + starts,
                                                         ends_at=now + ends if ends is not None else None))
        db.session.add(consultation)
        db.session.commit()
        return consultation

    return make


@pytest.fixture
def add_proposal(app, make_user, make_consultation):
    """A proposal stored directly (in a new proposals-phase consultation unless one is given)."""
    def make(title: str = "Radansuun bussikatos", consultation=None, author=None, **fields):
        proposal = Proposal(consultation=consultation or make_consultation(), author=author or make_user(),
                            title=title, body=fields.pop("body", "Pysäkille tarvitaan katos."), **fields)
        db.session.add(proposal)
        db.session.commit()
        return proposal

    return make


@pytest.fixture
def english(app, login_as):
    """A client in English (role None: a visitor), so assertions do not depend on the catalogues."""
    def make(role: str | None = "resident", **kwargs):
        client, user = login_as(role, **kwargs)
        if user is not None:
            user.language = "en"
            db.session.commit()
        client.set_cookie("lang", "en")
        return client, user

    return make


def text(response) -> str:
    """The page's HTML with the quotes Jinja escapes put back, for plain-text assertions."""
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')


def then(client, response) -> str:
    """Follow a redirect and return the page it leads to (with the flashed message)."""
    assert response.status_code == 302, response.status_code
    return text(client.get(response.headers["Location"]))


def rows(model):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


def proposals() -> list[Proposal]:
    return rows(Proposal)


def supports() -> list[Support]:
    return rows(Support)


def endorsements() -> list[Endorsement]:
    return rows(Endorsement)


def follows() -> list[Follow]:
    return rows(Follow)


def state_changes() -> list[ProposalStateChange]:
    return rows(ProposalStateChange)


PROPOSAL_FORM = {"title": "Radansuun bussikatos", "body": "Pysäkille tarvitaan **katos** ja penkki.",
                 "village_id": "0", "category": "roads_and_lighting", "estimated_cost": "6 500,50",
                 "location": "Radansuun pysäkki", "association_id": "0"}


def send_proposal(client, consultation, action: str = "submit", **overrides):
    """The proposal form of a consultation, sent with the Preview or the Submit button."""
    url = f"/consultations/{consultation.id}/proposals/new"
    data = {**PROPOSAL_FORM, **overrides, "action": action}
    return post_form(client, url, data, token_from="/proposals")
