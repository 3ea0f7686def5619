"""Shared pieces of the attack suite (stored XSS, SQL injection, form fuzzing): the app's forms found
automatically, one route case per form that says how to submit it as whom and where its text is shown,
a world of objects to submit against, and an HTML checker that parses pages instead of grepping them."""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from io import BytesIO
from xml.etree import ElementTree

import pytest
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from app.extensions import db
from tests.conftest import immediate_emails, login, post_form, row_counts, sent_mail, snapshot  # noqa: F401

# --- the forms -----------------------------------------------------------------------------------


def form_classes() -> dict[str, type]:
    """Every FlaskForm subclass defined under app/, by "module.Class". The app factory imports every feature
    package (its routes import its forms), so after create_app() the subclasses of FlaskForm are all of them;
    nothing is imported here, so no module is imported out of the factory's order."""
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {f"{c.__module__}.{c.__name__}": c for c in subclasses(FlaskForm) if c.__module__.startswith("app.")}


def form_fields(form_class: type) -> dict[str, UnboundField]:
    """The form's fields by name (declared on the class or added with setattr, inherited ones included)."""
    return {name: value for name in dir(form_class)
            if isinstance(value := getattr(form_class, name, None), UnboundField)}


def text_fields(form_class: type) -> list[str]:
    """The fields a person types text into: StringField and its kinds (TextArea, Email, URL, Hidden, Euro...),
    except passwords, which are never rendered back (WTForms' PasswordInput leaves the value out)."""
    return sorted(name for name, unbound in form_fields(form_class).items()
                  if issubclass(unbound.field_class, StringField)
                  and not issubclass(unbound.field_class, PasswordField))


def max_length(form_class: type, name: str, default: int = 200) -> int:
    """The field's Length(max=...) if it has one."""
    unbound = form_fields(form_class)[name]
    for validator in unbound.kwargs.get("validators") or []:
        if isinstance(validator, Length) and validator.max and validator.max > 0:
            return validator.max
    return (unbound.kwargs.get("render_kw") or {}).get("maxlength", default)


# --- route cases -----------------------------------------------------------------------------------

RESPONSE = "<the response itself>"  # a page of a case: the answer to the submission (a preview, a form error)
LOCATION = "<where it redirects>"   # a page of a case: the page the accepted submission redirected to
EMAIL = "<the emails sent>"         # a page of a case: every email sent after the submission


@dataclass(frozen=True)
class FormCase:
    """How to submit a form for real, and where what was typed into it is shown afterwards."""

    form: str                      # "app.proposals.forms.ProposalForm"
    url: str                       # a template filled from the world ({proposal}, {event} ...)
    actor: str | None              # a role of conftest.ROLES, "author" (writes {proposal} and {comment}),
                                   # "organiser" (represents {association}) or None (a visitor)
    data: dict = field(default_factory=dict)   # the other fields, valid, so the submission is accepted
    text: tuple = ()               # the posted names of the text fields that receive the payloads
    pages: tuple = (LOCATION,)     # where the text is shown: a URL template, (actor, URL), RESPONSE, LOCATION, EMAIL
    fixed: dict = field(default_factory=dict)  # text fields that must keep a valid format: name -> why
    method: str = "POST"
    accepted: tuple = (302,)       # the status of an accepted submission
    prefix: str = ""               # the form's prefix ("comment" posts "comment-body")
    fresh: bool = False            # each submission by a new visitor or new user of the role
    before: str = ""               # a step of BEFORE run before each submission (so it can be repeated)
    unshown: dict = field(default_factory=dict)  # attacked fields shown where this test cannot look: why

    @property
    def id(self) -> str:
        return f"{self.form.rsplit('.', 1)[1]} {self.method} {self.url}"

    def field_name(self, posted: str) -> str:
        return posted[len(self.prefix) + 1:] if self.prefix and posted.startswith(self.prefix + "-") else posted


FUTURE = (date.today() + timedelta(days=40)).isoformat()
PAST = (date.today() - timedelta(days=3)).isoformat()

CASES = [
    # account and sign-in
    FormCase("app.account.forms.ProfileForm", "/account/", "author", {"language": "fi"}, ("display_name",),
             ("/account/", "/proposals/{proposal}", "/proposals/{proposal}/comments")),
    FormCase("app.auth.forms.RegisterForm", "/register", None,
             {"email": "uusi{round}@example.fi", "language": "fi", "accept_privacy": "y",
              "password": "kolme pitkää sanaa peräkkäin", "password_again": "kolme pitkää sanaa peräkkäin",
              "website_url": ""},
             ("display_name",), ("/account/",),
             fixed={"email": "must be a valid, unused address (it is rendered back on a refusal: fuzzed)",
                    "website_url": "the bot trap: filled in, the registration is dropped without a word"},
             fresh=True),
    FormCase("app.auth.forms.LoginForm", "/login", None, {"email": "nobody@example.fi", "password": "väärä"},
             ("email", "next"), (RESPONSE,), accepted=(200,)),
    FormCase("app.auth.forms.ReauthenticateForm", "/reauthenticate", "resident", {"password": "väärä"},
             ("next",), (RESPONSE,), accepted=(200,)),
    FormCase("app.auth.forms.ForgotPasswordForm", "/password/forgot", None, {}, ("email",), (RESPONSE,),
             accepted=(200,)),
    # coordinators
    FormCase("app.admin.forms.UserFilterForm", "/admin/users", "coordinator", {"role": ""}, ("q",), (RESPONSE,),
             method="GET", accepted=(200,)),
    FormCase("app.admin.forms.AuditFilterForm", "/admin/audit", "coordinator", {}, ("actor",), (RESPONSE,),
             method="GET", accepted=(200,)),
    FormCase("app.admin.forms.BlockForm", "/admin/users/{user}/block", "coordinator", {}, ("reason",),
             ("/admin/users/{user}/block",), before="unblock"),
    FormCase("app.admin.forms.HideContentForm", "/admin/users/{user}/hide-content", "coordinator", {},
             ("hide-reason",), ((None, "/proposals/{proposal}"), (None, "/proposals/{proposal}/comments")),
             prefix="hide"),
    FormCase("app.directory.forms.VillageForm", "/admin/villages/new", "coordinator", {}, ("name", "description"),
             (LOCATION, "/villages")),
    FormCase("app.directory.forms.AssociationForm", "/admin/associations/new", "coordinator",
             {"kind": "village", "village_id": "0", "contact_email": "yhdistys@example.fi",
              "website": "https://example.fi/", "is_active": "y"},
             ("name", "description", "contact_phone"), (LOCATION, "/associations"),
             fixed={"contact_email": "must be an email address (Email validator; fuzzed)",
                    "website": "must be an https:// address (URL validator; javascript: is checked in "
                               "test_link_fields_refuse_script_addresses)"}),
    FormCase("app.directory.forms.RepresentationRequestForm", "/associations/{association}/represent", "resident",
             {"role": "representative", "starts_on": PAST}, ("note",), (("coordinator", "/admin/representations"),),
             fresh=True),
    FormCase("app.directory.forms.DecisionForm", "/admin/representations/{representation}/reject", "coordinator",
             {}, ("reason",), (("author", "/notifications"), EMAIL), before="pending_representation"),
    FormCase("app.directory.forms.AssociationFilterForm", "/associations", None, {}, ("q",), (RESPONSE,),
             method="GET", accepted=(200,)),
    FormCase("app.main.forms.FeedbackForm", "/accessibility", None, {"email": "palaute@example.fi", "website_url": ""},
             ("message", "page_url", "name"), (("coordinator", "/admin/feedback"), EMAIL),
             fixed={"email": "must be an email address (Email validator; fuzzed)",
                    "website_url": "the bot trap: filled in, the feedback is dropped without a word"}),
    # consultations, proposals
    FormCase("app.consultations.forms.ConsultationForm", "/consultations/new", "coordinator",
             {"village_id": "0", "proposals_starts": PAST, "answer_days": "60", "escalation_days": "30",
              "phase_override": ""},
             ("title", "description"), (LOCATION, "/consultations")),
    FormCase("app.proposals.forms.ProposalForm", "/consultations/{consultation}/proposals/new", "resident",
             {"village_id": "0", "category": "other", "association_id": "0", "estimated_cost": "1 234,50",
              "action": "preview"},
             ("title", "body", "location"), (RESPONSE,), accepted=(200,),
             fixed={"estimated_cost": "euros (parse_euros): fuzzed"}),
    FormCase("app.proposals.forms.ProposalForm", "/proposals/{proposal}/edit", "author",
             {"village_id": "0", "category": "other", "association_id": "0", "estimated_cost": "",
              "action": "submit"},
             ("title", "body", "location"),
             (LOCATION, "/proposals", "/consultations/{consultation}", "/proposals.atom")),
    FormCase("app.proposals.forms.ProposalFilterForm", "/proposals", None, {}, ("q",), (RESPONSE, "/proposals.atom"),
             method="GET", accepted=(200,)),
    FormCase("app.proposals.forms.StateForm", "/proposals/{proposal}/state", "board_member",
             {"state": "under_review"}, ("note",), (LOCATION, ("author", "/notifications"), EMAIL)),
    FormCase("app.proposals.forms.AnswerForm", "/proposals/{proposal}/answer", "board_member", {}, ("answer",),
             (LOCATION, "/proposals", ("author", "/notifications"), EMAIL)),
    # comments and moderation
    FormCase("app.comments.forms.CommentForm", "/proposals/{proposal}/comments", "resident",
             {"comment-stance": "for", "comment-website_url": ""}, ("comment-body",),
             (LOCATION, "/proposals/{proposal}", ("author", "/notifications")), prefix="comment",
             fixed={"comment-website_url": "the bot trap: filled in, the comment is dropped without a word"}),
    FormCase("app.comments.forms.AgendaCommentForm", "/meetings/{planned_meeting}/items/{item}/comments",
             "resident", {"comment-stance": "", "comment-website_url": ""}, ("comment-body",),
             (LOCATION, "/meetings/{planned_meeting}/items/{item}"), prefix="comment",
             fixed={"comment-website_url": "the bot trap"}),
    FormCase("app.comments.forms.ReplyForm", "/comments/{comment}/reply", "resident", {"website_url": ""}, ("body",),
             (LOCATION, ("author", "/notifications"), "/api/v1/comments"),
             fixed={"website_url": "the bot trap"}),
    FormCase("app.comments.forms.EditCommentForm", "/comments/{comment}/edit", "author", {"stance": "against"},
             ("body",), (LOCATION,)),
    FormCase("app.comments.forms.EditAgendaCommentForm", "/comments/{agenda_comment}/edit", "author",
             {"stance": "neutral"}, ("body",), (LOCATION,)),
    FormCase("app.comments.forms.ReportForm", "/comments/{comment}/report", "resident", {}, ("reason",),
             (("coordinator", "/moderation/"),)),
    FormCase("app.comments.forms.ModerationForm", "/moderation/comment/{comment}/hide", "coordinator",
             {"next": ""}, ("reason",), ((None, "/proposals/{proposal}/comments"),), before="unhide_comment",
             fixed={"next": "a redirect target only (open redirects: tests/test_auth.py)"}),
    # budgets
    FormCase("app.budgets.forms.BudgetForm", "/consultations/{consultation}/budgets/new", "coordinator",
             {"total": "5000", "voting_rule": "approval", "min_projects": "0", "electorate": "associations",
              "secrecy": "open", "tally_rule": "greedy"},
             ("title", "description"), (LOCATION, "/budgets"),
             fixed={"total": "euros (parse_euros): fuzzed"}),
    FormCase("app.budgets.forms.ProjectForm", "/budgets/{budget}/projects/new", "coordinator",
             {"cost": "1000", "village_id": "0", "association_id": "0"}, ("title", "description"),
             (LOCATION, "/budgets/{budget}"), fixed={"cost": "euros (parse_euros): fuzzed"},
             unshown={"description": "shown only on the ballot of a vote in progress, through the same Markdown "
                                     "filter as the budget's description (BudgetForm)"}),
    FormCase("app.budgets.paper_forms.PaperBatchForm", "/budgets/{voting_budget}/paper", "coordinator", {},
             ("label",), (LOCATION, "/budgets/{voting_budget}/paper")),
    FormCase("app.budgets.paper_forms.PaperEntryForm", "/budgets/{voting_budget}/paper/{voting_batch}", "coordinator",
             {"sequence": "7{round}", "association": "", "project": "{voting_project}", "entry_round": "1"},
             ("register_number",), (LOCATION,),
             fixed={"sequence": "a ballot number (parse_sequence): fuzzed",
                    "entry_round": "a round number (parse_round): fuzzed"}),
    # meetings
    FormCase("app.meetings.forms.BodyForm", "/bodies/new", "coordinator",
             {"kind": "advisory_board", "quorum_rule": "more_than_half", "is_active": "y"}, ("name", "description"),
             (LOCATION, "/bodies", "/meetings/new")),
    FormCase("app.meetings.forms.MemberForm", "/bodies/{body}/members", "coordinator",
             {"role": "member", "association_id": "0", "deputy_for_id": "0", "email": "", "starts_on": PAST},
             ("name",), (LOCATION,), fixed={"email": "must be the address of an account (Email validator; fuzzed)"}),
    FormCase("app.meetings.forms.MeetingForm", "/meetings/new", "board_member",
             {"body_id": "{body}", "day": FUTURE, "starts": "18:00", "ends": "20:00",
              "video_url": "https://meet.example.fi/kylaraati"},
             ("title", "place", "other_attendees", "chair_name", "secretary_name", "minutes_checkers"),
             (LOCATION, LOCATION + "/minutes", "/meetings"),
             unshown={"other_attendees": "printed on the minutes once the meeting is held"},
             fixed={"video_url": "must be an https:// address (checked by the service; javascript: is checked in "
                                 "test_link_fields_refuse_script_addresses)"}),
    FormCase("app.meetings.forms.ItemForm", "/meetings/{planned_meeting}/items/new", "board_member", {"number": "2{round}"},
             ("title", "presentation"), (LOCATION, "/meetings/{planned_meeting}")),
    FormCase("app.meetings.forms.StatementForm", "/meetings/{planned_meeting}/items/{item}/statement", "organiser",
             {"association_id": "{association}"}, ("body",), (LOCATION,)),
    FormCase("app.meetings.forms.DecisionForm", "/meetings/{meeting}/items/{decision}/decision", "board_member",
             {"outcome": "approved"}, ("decision_text",),
             (LOCATION, "/decisions/{decision}", "/decisions", "/meetings/{meeting}/minutes", "/decisions.atom")),
    FormCase("app.meetings.forms.AmendmentForm", "/meetings/{approved_meeting}/amendments", "board_member",
             {"item_id": "0"}, ("text", "reason"), (LOCATION,)),
    # events
    FormCase("app.events.forms.EventForm", "/events/{event}/edit", "organiser",
             {"organiser_id": "{association}", "category": "village_party", "village_id": "0",
              "start_day": FUTURE, "start_time": "18:00", "end_time": "21:00", "price": "5"},
             ("title", "description", "place", "accessibility"), (LOCATION, "/events", "/events/month")),
    FormCase("app.events.forms.EventForm", "/events/new", "organiser",
             {"organiser_id": "{association}", "category": "market", "village_id": "0",
              "start_day": FUTURE, "start_time": "10:00", "end_time": "12:00", "price": "",
              "description": "", "accessibility": ""},
             ("title", "place"), (LOCATION,),
             fixed={"price": "euros: fuzzed", "description": "attacked in the case of /events/{event}/edit",
                    "accessibility": "attacked in the case of /events/{event}/edit"}),
    FormCase("app.events.forms.TaskForm", "/events/{event}/tasks/new", "organiser", {"capacity": "3"},
             ("title", "description"), (LOCATION,)),
    FormCase("app.events.forms.VolunteerEmailForm", "/events/{event}/volunteers", "organiser", {},
             ("subject", "message"), (EMAIL,)),
    FormCase("app.events.forms.ImageForm", "/events/{event}/image", "organiser", {"image": "<a picture>"},
             ("alt_text",), (LOCATION, "/events")),
]

# Text fields no route case submits, and why that is safe.
NOT_SUBMITTED = {
    "app.admin.forms.RoleForm": "hidden fields checked with AnyOf(role names, 0/1); never rendered back",
    "app.main.forms.LanguageForm": "`next` is only a redirect target (open redirects: tests/test_auth.py)",
    "app.proposals.forms.ToggleForm": "a hidden 0/1 checked with AnyOf; never rendered back",
    "app.auth.forms.ResetPasswordForm": "only passwords",
    "app.auth.forms.ChangePasswordForm": "only passwords",
}


# --- the world ------------------------------------------------------------------------------------

def tiny_png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 60)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(app, objects, make_user, login_as):
    """test_permissions' objects, plus an approved representative of {association} ("organiser"), a budget
    taking paper ballots now, approved minutes, a volunteer signed up for {task}, and signed-in clients."""
    from app.auth.models import User
    from app.auth.throttle import Throttle
    from app.budgets.models import Budget, BudgetProject, PaperBatch
    from app.consultations.models import Consultation, ConsultationPhase
    from app.directory.models import Association
    from app.events.models import TaskSignup
    from app.meetings.models import Body, Meeting
    from app.timeutil import utcnow

    # Attacks come by the hundred: the throttles are tested in test_auth.py and test_comments.py.
    app.extensions["throttle"] = Throttle("memory://", "100000/minute")
    app.extensions["comment_throttles"] = {"new": Throttle("memory://", "100000/minute"),
                                           "established": Throttle("memory://", "100000/minute")}
    association = db.session.get(Association, objects["association"])
    organiser = make_user("representative", association=association)
    voting = Consultation(title="Kylärahat 2028")
    voting.phases.append(ConsultationPhase(phase="voting", starts_at=utcnow() - timedelta(days=1),
                                           ends_at=utcnow() + timedelta(days=10)))
    budget = Budget(consultation=voting, title="Kylärahat 2028", total=Decimal(5000), tally_rule="greedy",
                    electorate="residents")
    project = BudgetProject(budget=budget, title="Kota", cost=Decimal(1000))
    batch = PaperBatch(budget=budget, label="Kirjasto")
    approved = Meeting(body=db.session.get(Body, objects["body"]), starts_at=utcnow() - timedelta(days=30),
                       status="approved", place="Kunnantalo")
    volunteer = make_user("resident")
    db.session.add_all([voting, budget, project, batch, approved,
                        TaskSignup(task_id=objects["task"], user=volunteer)])
    db.session.commit()
    author = db.session.get(User, objects["user"])
    immediate_emails(author)
    ids = dict(objects, voting_budget=budget.id, voting_project=project.id, voting_batch=batch.id,
               approved_meeting=approved.id, organiser=organiser.id)
    clients = {}

    def client_of(actor, fresh=False):
        if fresh:
            clients.pop(actor, None)
        if actor not in clients:
            if actor == "author":
                client = app.test_client()
                assert login(client, author.email).status_code == 302
            elif actor == "organiser":
                client = app.test_client()
                assert login(client, organiser.email).status_code == 302
            elif actor is None:
                client = app.test_client()
            else:
                client = login_as(actor)[0]
            clients[actor] = client
        return clients[actor]

    return ids, client_of


def refusal(response) -> str:
    """The messages of a refused submission (flashes and field errors), for an assertion's message."""
    text = response.get_data(as_text=True)
    found = re.findall(r'<p class="(?:flash flash-error|error)"[^>]*>(.*?)</p>', text, re.DOTALL)
    return f"{response.status_code} {response.headers.get('Location', '')} {found}"


def _unblock(ids, client_of):
    post_form(client_of("coordinator"), f"/admin/users/{ids['user']}/unblock", token_from="/accessibility")


def _pending_representation(ids, client_of):
    from app.directory.models import Association, Representation

    association = Association(name=f"Yhdistys {len(ids)}-{ids.get('round')}")
    representation = Representation(user_id=ids["user"], association=association, starts_on=date(2026, 1, 1))
    db.session.add(representation)
    db.session.commit()
    ids["representation"] = representation.id


def _unhide_comment(ids, client_of):
    post_form(client_of("coordinator"), f"/moderation/comment/{ids['comment']}/unhide", token_from="/accessibility")


BEFORE = {"unhide_comment": _unhide_comment, "unblock": _unblock, "pending_representation": _pending_representation}


def fill(template, ids: dict):
    return template.format(**ids) if isinstance(template, str) and "{" in template else template


def submit(client, case: FormCase, ids: dict, values: dict):
    """Submit the case's form with `values` over its valid data, as a browser would (CSRF token included)."""
    from tests.conftest import csrf_token

    data = {name: fill(value, ids) for name, value in case.data.items()}
    data.update(values)
    url = fill(case.url, ids)
    if case.method == "GET":
        return client.get(url, query_string=data)
    if "image" in data and data["image"] == "<a picture>":
        data["image"] = (BytesIO(tiny_png()), "kuva.png")
    if "csrf_token" not in data:  # one token per session (WTF_CSRF_TIME_LIMIT is None)
        if not hasattr(client, "attack_csrf_token"):
            client.attack_csrf_token = csrf_token(client, "/accessibility")
        data["csrf_token"] = client.attack_csrf_token
    return client.post(url, data=data, content_type="multipart/form-data")


def shown_pages(client_of, case: FormCase, ids: dict, response) -> list[tuple[str, str]]:
    """(where, text) of every page where the case's text is shown, fetched after the submission."""
    pages = []
    for page in case.pages:
        if page == RESPONSE:
            pages.append(("the response", response.get_data(as_text=True)))
        elif isinstance(page, str) and page.startswith(LOCATION):
            location = response.headers.get("Location")
            assert location, f"{case.id}: no redirect ({response.status_code})"
            location = location.split("#")[0] + page[len(LOCATION):]
            answer = client_of(case.actor).get(location)
            assert answer.status_code == 200, f"{location}: {answer.status_code}"
            pages.append((location, answer.get_data(as_text=True)))
        elif page == EMAIL:
            for message in sent_mail():
                for part in message.walk():
                    if part.get_content_type() in ("text/html", "text/plain"):
                        body = part.get_content()
                        if part.get_content_type() == "text/plain":
                            body = "<pre>" + _escape(body) + "</pre>"
                        pages.append((f"email “{message['Subject']}” ({part.get_content_type()})",
                                      "<h1>" + _escape(str(message["Subject"])) + "</h1>" + body))
            sent_mail().clear()
        else:
            actor, url = page if isinstance(page, tuple) else (case.actor, page)
            answer = client_of(actor).get(fill(url, ids))
            assert answer.status_code == 200, f"{url}: {answer.status_code}"
            text = answer.get_data(as_text=True)
            if answer.mimetype in ("application/atom+xml", "application/xml", "text/xml"):
                text = atom_as_html(text)
            elif answer.mimetype == "application/json":
                text = "<pre>" + _escape(text) + "</pre>"
            pages.append((url, text))
    return pages


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def atom_as_html(xml: str) -> str:
    """An Atom feed's entries as the HTML a feed reader would render: type="html" text is markup."""
    root = ElementTree.fromstring(xml.encode())
    parts = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("title", "summary", "content") and element.text:
            parts.append(element.text if element.get("type") in ("html", "xhtml") else _escape(element.text))
        for name in ("href",):
            if element.get(name):
                parts.append(f'<a href="{_escape(element.get(name))}">link</a>')
    return "\n".join(parts)


# --- the checker ----------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data", "background"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_INVISIBLE = re.compile(r"[\x00-\x20\u00a0\u200b-\u200f\ufeff]+")


class ExecutableMarkup(HTMLParser):
    """Collects what a browser would run: inline scripts, event-handler attributes, script addresses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            if not attributes.get("src"):
                self.problems.append(f"<script> without src: {attrs}")
            self._in_script = True
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES or name == "style":
                cleaned = _INVISIBLE.sub("", value or "").lower()
                schemes = ("javascript:", "vbscript:", "data:text/html")
                if cleaned.startswith(schemes) or name == "style" and any(s in cleaned for s in (*schemes, "expression(")):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:60]!r}")


def executable_markup(html: str) -> list[str]:
    """What in the page would run in a browser (an empty list: nothing)."""
    parser = ExecutableMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems

