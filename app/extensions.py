"""Extension objects, created here and bound to the app in create_app()."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic alter and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base shared by every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# No list has anywhere near this many pages; a larger ?page= would overflow the database's OFFSET integer.
MAX_PAGE = 100_000


class PagingSQLAlchemy(SQLAlchemy):
    """`paginate` that takes any ?page= a visitor types: not a positive number means page 1, and past
    MAX_PAGE means MAX_PAGE (an empty page), never a database error."""

    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True):
        if page is None:
            from flask import has_request_context, request

            page = request.args.get("page", 1, type=int) if has_request_context() else 1
        page = min(max(page or 1, 1), MAX_PAGE)
        return super().paginate(select, page=page, per_page=per_page, max_per_page=max_per_page,
                                error_out=error_out, count=count)


db = PagingSQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)  # batch mode: SQLite can ALTER through table copies
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
