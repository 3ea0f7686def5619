"""Command-line tools: the first coordinator and the demo data."""
import sqlalchemy as sa

from app.auth.models import User
from app.directory.models import Association, Representation, Village
from app.extensions import db
from tests.conftest import PASSWORD


def test_create_admin_reads_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create-admin", "boss@iitti.fi"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.is_coordinator and user.email == "boss@iitti.fi"


def test_create_admin_refuses_weak_password(runner):
    result = runner.invoke(args=["users", "create-admin", "boss@iitti.fi"], input="short\n")
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(sa.select(sa.func.count(m.id))) for m in (User, Village, Association, Representation)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert [db.session.scalar(sa.select(sa.func.count(m.id)))
            for m in (User, Village, Association, Representation)] == counts
    assert counts[1] >= 10 and counts[2] >= 12
    for role in ("resident", "representative", "board member", "coordinator"):
        assert role in first.output
    assert db.session.scalar(sa.select(Village.name).where(Village.name == "Vuolenkoski"))
