"""Front page, language switch, accessibility statement and privacy notice."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.i18n import LANGUAGE_COOKIE
from app.main import bp, services
from app.main.forms import FeedbackForm, LanguageForm
from app.notify import email_address, notify_coordinators
from app.security import safe_next


@bp.route("/")
def index():
    """The front page: what is going on in Iitti now."""
    from app.consultations.forms import ACTION_LABELS, PHASE_LABELS
    from app.meetings.messages import OUTCOME_LABELS
    from app.proposals.forms import STATE_LABELS

    return render_template("main/index.html", action_labels=ACTION_LABELS, phase_labels=PHASE_LABELS,
                           state_labels=STATE_LABELS, outcome_labels=OUTCOME_LABELS, **services.front_page())


@bp.route("/language/<code>", methods=["POST"])
def set_language(code):
    """Switch the interface language and remember it (cookie, and profile when signed in)."""
    form = LanguageForm()
    if code not in current_app.config["LANGUAGES"] or not form.validate_on_submit():
        return redirect(url_for("main.index"))
    if current_user.is_authenticated:
        current_user.language = code
        db.session.commit()
    response = redirect(safe_next(form.next.data, url_for("main.index")))
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.route("/accessibility", methods=["GET", "POST"])
def accessibility():
    """The accessibility statement, with a feedback form that reaches the coordinators."""
    form = FeedbackForm(page_url=request.args.get("page", ""))
    if form.validate_on_submit():
        if not form.website_url.data:  # a filled hidden field means a bot: store nothing
            feedback = services.save_feedback(form.message.data, form.page_url.data or "",
                                              form.name.data or "", form.email.data or "",
                                              current_user.id if current_user.is_authenticated else None)
            notify_coordinators("email/accessibility_feedback.txt",
                                subject=lambda: _("Kyläraati: accessibility feedback"), feedback=feedback)
            if current_app.config.get("FEEDBACK_EMAIL"):
                email_address(current_app.config["FEEDBACK_EMAIL"], "Kyläraati: accessibility feedback",
                              render_template("email/accessibility_feedback.txt", user=None, feedback=feedback))
        flash(_("Thank you for your feedback. It has been sent to the municipality's coordinators."), "success")
        return redirect(url_for("main.accessibility"))
    return render_template("main/accessibility.html", form=form)


@bp.route("/privacy")
def privacy():
    """The privacy notice: what is stored, why and for how long."""
    return render_template("main/privacy.html")
