"""Profile, 'my data' download and erasure."""
import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required, logout_user

from app.account import bp
from app.account.forms import EraseAccountForm, ProfileForm
from app.account.services import export_user_data
from app.auth import services as auth_services
from app.auth.permissions import Action, requires
from app.i18n import LANGUAGE_COOKIE
from app.timeutil import today


@bp.route("/", methods=["GET", "POST"])
@requires(Action.EDIT_OWN_ACCOUNT)
def profile():
    """My profile: name and language, my mandates, links to data and erasure."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        auth_services.update_profile(current_user, form.display_name.data, form.language.data)
        flash(_("Your profile has been saved."), "success")
        response = redirect(url_for("account.profile"))
        response.set_cookie(LANGUAGE_COOKIE, form.language.data, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True)
        return response
    representations = sorted(current_user.representations, key=lambda r: r.requested_at, reverse=True)
    return render_template("account/profile.html", form=form, representations=representations, today=today())


@bp.route("/data.json")
@requires(Action.EDIT_OWN_ACCOUNT)
def my_data():
    """Download everything the platform holds about me as JSON."""
    body = json.dumps(export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="kylaraati-my-data.json"'})


@bp.route("/erase", methods=["GET", "POST"])
@fresh_login_required
@requires(Action.EDIT_OWN_ACCOUNT)
def erase():
    """Erase my account: personal data anonymised, what I wrote stays as 'deleted user'."""
    form = EraseAccountForm()
    if form.validate_on_submit():
        auth_services.erase_account(current_user)
        logout_user()
        flash(_("Your account has been erased."), "success")
        return redirect(url_for("main.index"))
    return render_template("account/erase.html", form=form)
