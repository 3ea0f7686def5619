"""Comment, reply, edit and report forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from app.comments.rules import MAX_BODY_LENGTH, MAX_REASON_LENGTH, STANCES
from app.forms import NoControlCharacters, honeypot_field, stripped

STANCE_LABELS = {"for": _l("For"), "against": _l("Against"), "neutral": _l("Neutral")}


def body_field(label):
    return TextAreaField(label, filters=[stripped], validators=[
        DataRequired(_l("Write something first: the text is empty.")),
        Length(max=MAX_BODY_LENGTH, message=_l("A comment can be at most %(max)d characters long.")),
        NoControlCharacters(multiline=True),
    ], description=_l("Plain text; web addresses become links. The comment is public, with your name."),
        render_kw={"rows": 5, "maxlength": MAX_BODY_LENGTH})


def stance_field(label=_l("Your stance on the proposal (optional)")):
    return RadioField(label,
                      choices=[("", _l("No stance"))] + list(STANCE_LABELS.items()), default="",
                      validate_choice=False,
                      validators=[AnyOf(["", *STANCES], message=_l("Choose for, against, neutral or no stance."))])


class CommentForm(FlaskForm):
    """A new comment; shown on the proposal (or agenda item) page with the prefix "comment"."""

    body = body_field(_l("Your comment"))
    stance = stance_field()
    website_url = honeypot_field()


class AgendaCommentForm(CommentForm):
    """A new comment on an agenda item of a planned meeting."""

    stance = stance_field(_l("Your stance on the matter (optional)"))


class ReplyForm(FlaskForm):
    body = body_field(_l("Your reply"))
    website_url = honeypot_field()


class EditCommentForm(FlaskForm):
    """Editing one's own comment; the stance field is removed for replies."""

    body = body_field(_l("Your comment"))
    stance = stance_field()


class EditAgendaCommentForm(EditCommentForm):
    stance = stance_field(_l("Your stance on the matter (optional)"))


def comment_form(kind: str, **kwargs) -> CommentForm:
    """The new-comment form for a discussion of a "proposal" or an "agenda_item"."""
    form_class = AgendaCommentForm if kind == "agenda_item" else CommentForm
    return form_class(prefix="comment", **kwargs)


def edit_form(kind: str, **kwargs) -> EditCommentForm:
    form_class = EditAgendaCommentForm if kind == "agenda_item" else EditCommentForm
    return form_class(**kwargs)


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong with it?"), filters=[stripped], validators=[
        DataRequired(_l("Tell the coordinators briefly what is wrong.")),
        Length(max=MAX_REASON_LENGTH, message=_l("The reason can be at most %(max)d characters long.")),
        NoControlCharacters(multiline=True),
    ], description=_l("For example: insulting, spam, someone's personal data. Only the coordinators see "
                      "the report and your name."), render_kw={"rows": 3, "maxlength": MAX_REASON_LENGTH})


class ModerationForm(FlaskForm):
    """Hiding with a public reason; `next` brings the coordinator back where they were."""

    reason = TextAreaField(_l("Reason shown to the public"), filters=[stripped], validators=[
        DataRequired(_l("Write the reason; it is shown in place of the text.")),
        Length(max=MAX_REASON_LENGTH, message=_l("The reason can be at most %(max)d characters long.")),
        NoControlCharacters(multiline=True),
    ], description=_l("For example: insulting language, or personal data of another person."),
        render_kw={"rows": 2, "maxlength": MAX_REASON_LENGTH})
    next = HiddenField()
