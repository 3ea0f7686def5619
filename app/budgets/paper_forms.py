"""Forms of the paper-ballot pages. The ballot's own choices are read by the view, as on the online ballot."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from app.budgets.double_entry import MAX_REGISTER_NUMBER
from app.budgets.paper_services import MAX_LABEL


class PaperBatchForm(FlaskForm):
    # Checked by the service (one set of rules for the form and for anything else that creates batches).
    label = StringField(_l("Name of the batch"), description=_l("For example the place and ballot box: "
                                                                "“Kausala library, box 1”."),
                        render_kw={"maxlength": MAX_LABEL, "autocomplete": "off", "required": True})


class PaperEntryForm(FlaskForm):
    """One paper ballot: its number, its voter, and (read by the view) its choices."""

    sequence = StringField(_l("Ballot number"), description=_l("The number written on the paper ballot."),
                           render_kw={"inputmode": "numeric", "autocomplete": "off", "required": True})
    association = SelectField(_l("Voting association"), choices=[], validate_choice=False,
                              render_kw={"required": True})
    register_number = StringField(_l("Number in the paper voter register"),
                                  description=_l("As written in the register of people who voted on paper. For a "
                                                 "registered resident, write their email address instead: then "
                                                 "they cannot also vote online."),
                                  render_kw={"maxlength": MAX_REGISTER_NUMBER, "autocomplete": "off",
                                             "required": True})
    entry_round = HiddenField()

    def __init__(self, associations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.association.choices = [("", _l("Choose the association"))] + [(str(a.id), a.name) for a in associations]
