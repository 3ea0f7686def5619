"""Sign in, sign out, register, password change and reset."""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, fresh_login_required, login_required, login_user, logout_user

from app.auth import bp, services
from app.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ReauthenticateForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.auth.services import AccountError
from app.notify import email_user
from app.security import safe_next

TOKEN_MESSAGES = {
    "token_expired": lambda: _("This password reset link has expired. Ask for a new one below."),
    "token_invalid": lambda: _("This password reset link is not valid. Ask for a new one below."),
    "token_used": lambda: _("This password reset link has already been used. Ask for a new one below."),
}


def client_address() -> str:
    return request.remote_addr or "unknown"


def throttled_message(throttled) -> str:
    return _("Too many attempts. For your security, wait %(seconds)d seconds and try again.",
             seconds=throttled.retry_after)


def start_session(user, remember: bool) -> None:
    """Sign the user in on a fresh session (no fixation), keeping the language choice."""
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client_address())
        except AccountError as error:
            if error.code == "throttled":
                flash(throttled_message(error.detail), "error")
                return render_template("auth/login.html", form=form), 429
            if error.code == "blocked":
                flash(_("This account has been blocked by the coordinators, so it cannot sign in. "
                        "Reason: %(reason)s. If you think this is a mistake, contact the municipality's "
                        "coordinators.", reason=error.detail or "–"), "error")
                return render_template("auth/login.html", form=form), 403
            # One message for unknown email and wrong password: no user enumeration.
            form.password.errors.append(_("The email address or password is wrong."))
        else:
            start_session(user, form.remember.data)
            flash(_("Welcome, %(name)s!", name=user.display_name), "success")
            return redirect(safe_next(form.next.data, url_for("main.index")))
    return render_template("auth/login.html", form=form)


@bp.route("/reauthenticate", methods=["GET", "POST"])
@login_required
def reauthenticate():
    """Confirm the password again before a sensitive change."""
    form = ReauthenticateForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        throttled = services.check_throttle("login", f"account:{current_user.email}", f"address:{client_address()}")
        if throttled:
            flash(throttled_message(throttled), "error")
            return render_template("auth/reauthenticate.html", form=form), 429
        if services.verify_password(current_user, form.password.data):
            confirm_login()
            return redirect(safe_next(form.next.data, url_for("account.profile")))
        services.count_attempt("login", f"account:{current_user.email}", f"address:{client_address()}")
        form.password.errors.append(_("The password is wrong."))
    return render_template("auth/reauthenticate.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out everywhere: every session and remember-me cookie of this account ends."""
    services.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Create a resident account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm(language=str(get_locale()))  # the language the visitor is reading
    if form.validate_on_submit():
        throttled = services.check_throttle("register", f"address:{client_address()}")
        if throttled:
            flash(throttled_message(throttled), "error")
            return render_template("auth/register.html", form=form), 429
        services.count_attempt("register", f"address:{client_address()}")
        if form.website_url.data:
            # A bot filled the hidden field: answer as if the form was fine, store nothing.
            flash(_("Welcome to Kyläraati!"), "success")
            return redirect(url_for("main.index"))
        try:
            user = services.register_user(form.email.data, form.display_name.data,
                                          form.password.data, form.language.data)
        except AccountError as error:
            if error.code == "email_taken":
                form.email.errors.append(
                    _("An account with this email address already exists. Sign in, or reset the password."))
            else:
                form.password.errors.append(_("Choose a stronger password."))
        else:
            start_session(user, remember=False)
            flash(_("Welcome to Kyläraati!"), "success")
            return redirect(url_for("account.profile"))
    return render_template("auth/register.html", form=form)


@bp.route("/password/change", methods=["GET", "POST"])
@fresh_login_required
def change_password():
    """Change my password; every other session ends."""
    form = ChangePasswordForm(user=current_user)
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as error:
            if error.code == "wrong_current_password":
                form.current_password.errors.append(_("The current password is wrong."))
            else:
                form.password.errors.append(_("Choose a stronger password."))
        else:
            start_session(current_user._get_current_object(), remember=False)
            flash(_("Your password has been changed. You were signed out on every other device."), "success")
            return redirect(url_for("account.profile"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a password reset link by email."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        keys = (f"account:{services.normalise_email(form.email.data)}", f"address:{client_address()}")
        throttled = services.check_throttle("reset", *keys)
        if throttled:
            flash(throttled_message(throttled), "error")
            return render_template("auth/forgot_password.html", form=form), 429
        services.count_attempt("reset", *keys)
        reset = services.request_password_reset(form.email.data)
        if reset.user is not None:
            send_reset_email(reset.user, reset.token)
        # The same answer whether or not the account exists.
        flash(_("If an account exists for that address, we have sent it a link to choose a new password. "
                "The link works for one hour."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


def send_reset_email(user, token: str) -> None:
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    # Through the outbox, sent by the next run of `flask notifications send` (never inside this request).
    email_user(user, "email/reset_password.txt", subject=lambda: _("Kyläraati: choose a new password"),
               link=link, minutes=minutes)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password through the emailed link."""
    if current_user.is_authenticated:
        logout_user()
    try:
        user = services.user_for_reset_token(token)
    except AccountError as error:
        flash(TOKEN_MESSAGES[error.code](), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except AccountError as error:
            if error.code in TOKEN_MESSAGES:
                flash(TOKEN_MESSAGES[error.code](), "error")
                return redirect(url_for("auth.forgot_password"))
            form.password.errors.append(_("Choose a stronger password."))
        else:
            flash(_("Your password has been changed. Sign in with the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
