"""Account use cases: register, sign in, passwords, reset links, erasure, my data."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import User
from app.auth.passwords import PasswordHashing, password_problems
from app.auth.throttle import Throttle, Throttled
from app.extensions import db
from app.timeutil import utcnow

RESET_SALT = "password-reset"


class AccountError(Exception):
    """A use case refused; `code` says why, the view translates it."""

    def __init__(self, code: str, detail=None):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ResetRequest:
    """What a reset request produced: the user and token, or nothing (unknown email)."""

    user: User | None
    token: str | None


def hashing() -> PasswordHashing:
    return current_app.extensions["password_hashing"]


def throttle() -> Throttle:
    return current_app.extensions["throttle"]


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def register_user(email: str, display_name: str, password: str, language: str = "fi") -> User:
    """Create a resident account; refuses a taken email or a weak password."""
    email = normalise_email(email)
    problems = password_problems(password, display_name, email)
    if problems:
        raise AccountError("weak_password", problems)
    if find_user_by_email(email) is not None:
        raise AccountError("email_taken")
    user = User(email=email, display_name=display_name.strip(), language=language,
                password_hash=hashing().hash(password), password_changed_at=utcnow())
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous registration with the same email won
        db.session.rollback()
        raise AccountError("email_taken") from None
    return user


def authenticate(email: str, password: str, address: str) -> User:
    """The user whose email and password match; throttles failures per account and address."""
    email = normalise_email(email)
    keys = (f"account:{email}", f"address:{address}")
    throttled = throttle().check("login", *keys)
    if throttled:
        raise AccountError("throttled", throttled)
    user = find_user_by_email(email)
    if user is None or not hashing().verify(user.password_hash, password):
        throttle().fail("login", *keys)
        raise AccountError("bad_credentials")
    if user.blocked_at is not None and not user.is_erased:
        # Said only after the right password, so it reveals nothing to someone guessing.
        raise AccountError("blocked", user.blocked_reason)
    if not user.is_active:
        throttle().fail("login", *keys)
        raise AccountError("bad_credentials")
    throttle().clear("login", f"account:{email}")
    if hashing().needs_rehash(user.password_hash):
        user.password_hash = hashing().hash(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def check_throttle(namespace: str, *keys: str) -> Throttled | None:
    """Refusal if these keys are throttled in `namespace`."""
    return throttle().check(namespace, *keys)


def count_attempt(namespace: str, *keys: str) -> None:
    throttle().fail(namespace, *keys)


def verify_password(user: User, password: str) -> bool:
    return hashing().verify(user.password_hash, password)


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of the user (they carry the old version)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.commit()


def set_password(user: User, new_password: str) -> None:
    """Store a new password and end every session (the caller signs the user in again)."""
    problems = password_problems(new_password, user.display_name, user.email or "")
    if problems:
        raise AccountError("weak_password", problems)
    user.password_hash = hashing().hash(new_password)
    user.password_changed_at = utcnow()
    end_all_sessions(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one."""
    if not verify_password(user, current_password):
        raise AccountError("wrong_current_password")
    set_password(user, new_password)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def request_password_reset(email: str) -> ResetRequest:
    """A signed reset token for an active account with that email, or nothing."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return ResetRequest(None, None)
    # The session version inside makes the link single-use: a reset bumps it.
    token = _reset_serializer().dumps({"u": user.id, "v": user.session_version})
    return ResetRequest(user, token)


def user_for_reset_token(token: str) -> User:
    """The user a reset token is for; refuses expired, used or forged tokens."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise AccountError("token_expired") from None
    except BadSignature:
        raise AccountError("token_invalid") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.session_version != data.get("v"):
        raise AccountError("token_used")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = user_for_reset_token(token)
    set_password(user, new_password)
    return user


def update_profile(user: User, display_name: str, language: str) -> None:
    user.display_name = display_name.strip()
    user.language = language
    db.session.commit()


def erase_account(user: User) -> None:
    """Anonymise the person: what they wrote stays, shown as by a deleted user."""
    from app.directory.services import end_mandates_of

    end_mandates_of(user)
    user.email = None
    user.display_name = ""
    user.password_hash = None
    user.is_coordinator = False
    user.is_board_member = False
    user.erased_at = utcnow()
    user.session_version = (user.session_version or 0) + 1
    record(user, "account.erased", user)
    db.session.commit()
