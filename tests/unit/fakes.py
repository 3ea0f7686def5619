"""Stand-ins for users and mandates, for testing the pure permission rules without a database."""
from dataclasses import dataclass, field
from datetime import date


@dataclass
class FakeMandate:
    association_id: int
    starts_on: date
    ends_on: date | None = None
    status: str = "approved"

    def is_current(self, on):
        return self.status == "approved" and self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


@dataclass
class FakeUser:
    id: int = 1
    is_coordinator: bool = False
    is_board_member: bool = False
    mandates: list = field(default_factory=list)
    is_authenticated: bool = True
    is_active: bool = True

    def current_representations(self, on):
        return [m for m in self.mandates if m.is_current(on)]
