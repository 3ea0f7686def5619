"""The one place routes check permissions: `can()` and the `requires` decorator."""
from functools import wraps

from flask import abort
from flask_login import current_user

from app.auth.rules import Action, can as _can
from app.extensions import login_manager
from app.timeutil import today

__all__ = ["Action", "can", "requires", "require"]


def can(action: Action, obj=None, user=None) -> bool:
    """May the current (or given) user do `action` on `obj` today?"""
    return _can(user if user is not None else current_user, action, obj, today())


def require(action: Action, obj=None) -> None:
    """Abort with 401 (not signed in) or 403 (signed in, not allowed) unless allowed."""
    if not can(action, obj):
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)


def requires(action: Action):
    """Decorator form of `require` for checks that need no object."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)
        return wrapped
    return decorator
