"""The user account."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class User(db.Model):
    """A person with a login; erasure anonymises the row instead of deleting it."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL after erasure; unique among the rest (NULLs never collide).
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    language: Mapped[str] = mapped_column(sa.String(5), default="fi")
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    is_board_member: Mapped[bool] = mapped_column(default=False)
    # Bumped on logout, password change and reset: every old session and
    # remember-me cookie carries the old number and stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # A coordinator can block an account: it can no longer sign in or post; content stays.
    blocked_at: Mapped[datetime | None]
    blocked_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    representations: Mapped[list["Representation"]] = relationship(  # noqa: F821
        back_populates="user", foreign_keys="Representation.user_id"
    )

    # Flask-Login protocol, written out so the id can carry the session version.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.erased_at is None and self.blocked_at is None and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def current_representations(self, on: date) -> list:
        """Approved mandates in force on the given day."""
        return [r for r in self.representations if r.is_current(on)]

    def __repr__(self) -> str:
        return f"<User {self.id}>"
