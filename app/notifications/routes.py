"""The notification list, marking read, the notification settings and unsubscribing from an email link."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import Action, requires
from app.extensions import csrf
from app.notifications import bp, services
from app.notifications.forms import MarkReadForm, PreferencesForm, UnsubscribeForm
from app.notifications.messages import ERRORS, KIND_LABELS, notification_text
from app.notifications.services import ALL_KINDS, NotificationError
from app.security import safe_next


@bp.app_context_processor
def bell():
    """`unread_notifications()` for the header's bell: one query, only when a page shows it."""
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            g.unread_notifications = services.unread_count(current_user)
        return g.unread_notifications

    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
@requires(Action.EDIT_OWN_ACCOUNT)
def index():
    """My notifications, newest first, a page at a time."""
    page = services.notifications_page(current_user, request.args.get("page", 1, type=int),
                                       current_app.config["PAGE_SIZE"])
    items = [(n, notification_text(n.kind, n.params)) for n in page.items]
    return render_template("notifications/index.html", page=page, items=items, form=MarkReadForm())


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def mark_read(notification_id):
    """Mark one notification read and go back to the list (or to what it is about)."""
    back = safe_next(request.form.get("next"), url_for("notifications.index"))
    if MarkReadForm().validate_on_submit():
        try:
            services.mark_read(current_user, notification_id)
        except NotificationError as error:
            flash(ERRORS[error.code](), "error")
            return redirect(url_for("notifications.index"))
    return redirect(back)


@bp.route("/notifications/read-all", methods=["POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def mark_all_read():
    """Mark every notification read."""
    if MarkReadForm().validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def preferences():
    """Which notifications I get in the app and by email, and how often emails come."""
    form = PreferencesForm()
    if form.validate_on_submit():
        try:
            services.save_preferences(current_user, form.channels(), form.frequency.data, form.all_email_off.data)
        except NotificationError:
            form.frequency.errors.append(_("Choose how often we email you."))
        else:
            flash(_("Your notification settings have been saved."), "success")
            return redirect(url_for("notifications.preferences"))
    elif request.method == "GET":
        settings = services.settings_of(current_user.id)
        form.fill(services.preferences_of(current_user.id), settings.frequency, settings.all_email_off)
    return render_template("notifications/preferences.html", form=form)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    """Turn off one kind of email (or all) from a link in an email, without signing in: a page that asks,
    and a POST that does it (also the one-click List-Unsubscribe POST of mail programs)."""
    try:
        _user, kind = services.read_unsubscribe_token(token)
    except NotificationError as error:
        return render_template("notifications/unsubscribe.html", error=ERRORS[error.code](), done=False,
                               form=None, label=None), 404
    label = None if kind == ALL_KINDS else KIND_LABELS.get(kind)
    form = UnsubscribeForm()
    if request.method == "POST":
        services.unsubscribe(token)
        return render_template("notifications/unsubscribe.html", done=True, label=label, form=None, error=None)
    return render_template("notifications/unsubscribe.html", done=False, label=label, form=form, error=None)
