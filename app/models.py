"""Import every model so the metadata (and Alembic) sees the whole schema."""
from app.audit.models import AuditLog  # noqa: F401
from app.auth.models import User  # noqa: F401
from app.directory.models import Association, Representation, Village  # noqa: F401
from app.main.models import AccessibilityFeedback  # noqa: F401
from app.comments.models import Comment, Report  # noqa: F401
from app.consultations.models import Consultation, ConsultationPhase  # noqa: F401
from app.proposals.models import Endorsement, Follow, Proposal, ProposalStateChange, Support  # noqa: F401
from app.budgets.models import (  # noqa: F401
    BallotChoice, Budget, BudgetBallot, BudgetParticipation, BudgetProject, BudgetResultCache, PaperBatch, PaperEntry,
)
from app.meetings.models import (  # noqa: F401
    AgendaItem, AgendaLink, Amendment, Attendance, Body, BodyMember, Meeting, RollCallVote, Statement,
)
from app.notifications.models import (  # noqa: F401
    BudgetVoteNotice, EmailOutbox, Notification, NotificationPreference, NotificationSettings,
)
from app.events.models import Event, EventCoOrganiser, EventImage, TaskSignup, VolunteerTask  # noqa: F401
