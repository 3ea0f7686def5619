"""Translated texts for the budget refusal codes and labels, shared by every budget page."""
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from app.budgets.rules import BallotError
from app.i18n import format_money


ERRORS = {
    # ballots
    "no_budget": lambda p: _("The budget was not found."),
    "window_closed": lambda p: _("Voting is not open now. Ballots can be cast only during the consultation's "
                                 "voting phase."),
    "not_representative": lambda p: _("Only the representatives and deputies of approved associations can vote "
                                      "in this budget, and you do not currently represent an association. You can "
                                      "ask to represent your association on its page."),
    "mandate_ended": lambda p: _("Your mandate to represent the association has ended, so you cannot cast its "
                                 "ballot. Ask the association to renew it."),
    "mandate_revoked": lambda p: _("Your mandate to represent the association has been revoked, so you cannot "
                                   "cast its ballot."),
    "not_eligible": lambda p: _("You are not eligible to vote in this budget."),
    "already_voted": lambda p: _("This ballot has already been cast. A secret ballot is final once cast."),
    "voted_on_paper": lambda p: _("This voter's paper ballot has already been counted, so an online ballot "
                                  "cannot be cast."),
    "unknown_project": lambda p: _("The ballot named a project that is not in this budget."),
    "duplicate_project": lambda p: _("The ballot named the same project twice."),
    "bad_points": lambda p: _("Give each project a whole number of points, zero or more."),
    "conflict_of_interest": lambda p: _("An association may not vote for a project it proposed itself."),
    "empty": lambda p: _("Choose at least one project."),
    "too_few": lambda p: ngettext("Choose at least %(num)d project.", "Choose at least %(num)d projects.",
                                  p["minimum"]),
    "over_budget": lambda p: _("The projects you chose cost %(cost)s, which is %(over)s more than the budget "
                               "of %(total)s. Leave something out.", cost=format_money(p["cost"]),
                               over=format_money(p["over"]), total=format_money(p["total"])),
    "too_many": lambda p: _("You can choose at most %(maximum)d projects; you chose %(chosen)d.",
                            maximum=p["maximum"], chosen=p["chosen"]),
    "too_many_points": lambda p: _("You can give at most %(maximum)d points in all; you gave %(used)d.",
                                   maximum=p["maximum"], used=p["used"]),
    # settings
    "unknown_rule": lambda p: _("Choose one of the voting rules in the list."),
    "unknown_electorate": lambda p: _("Choose who votes from the list."),
    "unknown_secrecy": lambda p: _("Choose open or secret ballots."),
    "unknown_tally_rule": lambda p: _("Choose one of the counting rules in the list."),
    "total_not_positive": lambda p: _("The budget must be more than zero euros."),
    "max_projects_required": lambda p: _("Give the largest number of projects a voter may choose (1 or more)."),
    "points_total_required": lambda p: _("Give the number of points each voter spreads (1 or more)."),
    "min_projects_negative": lambda p: _("The smallest number of projects cannot be negative."),
    "min_over_max": lambda p: _("The smallest number of projects (%(minimum)d) is more than the largest "
                                "(%(maximum)d).", minimum=p["minimum"], maximum=p["maximum"]),
    "min_over_points": lambda p: _("The smallest number of projects (%(minimum)d) is more than the points a "
                                   "voter has (%(maximum)d).", minimum=p["minimum"], maximum=p["maximum"]),
    "frozen": lambda p: _("Voting has started, so the budget's total, rules, electorate and project costs can "
                          "no longer be changed."),
    "title_required": lambda p: _("Give a title."),
    "title_too_long": lambda p: _("The title can be at most %(max)d characters.", max=p["max"]),
    "description_too_long": lambda p: _("The description can be at most %(max)d characters.", max=p["max"]),
    "amount_too_large": lambda p: _("The amount is too large."),
    "cost_not_positive": lambda p: _("A project's cost must be more than zero euros."),
    "proposal_not_available": lambda p: _("That proposal is not accepted in this consultation, or it is "
                                          "already on the ballot."),
    "electorate_has_paper_entries": lambda p: _("Paper ballots have already been keyed in for this budget, so who "
                                                "votes can no longer be changed."),
    "paper_unknown_resident": lambda p: _("No registered resident has that email address. Check it, or write "
                                          "the number in the paper voter register instead."),
    "nothing_chosen": lambda p: _("Choose at least one proposal."),
}


def error_message(error: BallotError) -> str:
    """The translated message for a refusal (a generic one if the code is unknown)."""
    text = ERRORS.get(error.code)
    return text(error.params) if text else _("The request could not be carried out.")


VOTING_RULE_LABELS = {
    "approval": _l("Approval: choose projects whose total cost fits the budget"),
    "approval_max_n": _l("Approval: choose at most N projects"),
    "cumulative": _l("Points: spread K points among the projects"),
}
ELECTORATE_LABELS = {
    "associations": _l("Associations: one ballot per approved association"),
    "residents": _l("Residents: one ballot per registered person"),
}
SECRECY_LABELS = {
    "open": _l("Open: each ballot is public on the results page"),
    "secret": _l("Secret: ballots are not linked to voters"),
}
TALLY_RULE_LABELS = {
    "greedy": _l("Most votes first (greedy)"),
    "mes": _l("Method of Equal Shares"),
    "mes-completed": _l("Method of Equal Shares, completed (as used in real elections)"),
}
CHANNEL_LABELS = {"online": _l("Online"), "paper": _l("Paper")}


# --- Paper ballots (app/budgets/paper.py) ------------------------------------------------------
ERRORS.update({
    "paper_closed": lambda p: _("Paper ballots can be keyed in and counted only during the voting phase and after "
                                "it until the consultation is closed."),
    "paper_no_batch": lambda p: _("The batch of paper ballots was not found."),
    "paper_no_entry": lambda p: _("The keyed paper ballot was not found."),
    "paper_batch_counted": lambda p: _("This batch has been counted, so its ballots can no longer be changed."),
    "paper_batch_empty": lambda p: _("The batch has no paper ballots keyed in yet, so there is nothing to count."),
    "paper_label_required": lambda p: _("Give the batch a name, for example the place and ballot box."),
    "paper_label_too_long": lambda p: _("The name can be at most %(max)d characters.", max=p["max"]),
    "paper_label_bad": lambda p: _("The name contains characters that cannot be stored."),
    "paper_bad_sequence": lambda p: _("Write the number of the paper ballot: a whole number from 1 to %(maximum)d.",
                                      maximum=p["maximum"]),
    "paper_bad_round": lambda p: _("Choose round 1 or, when ballots are keyed in twice, round 2."),
    "paper_duplicate_sequence": lambda p: _("Paper ballot number %(sequence)d has already been keyed in round "
                                            "%(round)d of this batch. Correct that entry instead.",
                                            sequence=p["sequence"], round=p["round"]),
    "paper_register_number_required": lambda p: _("Write the voter's number in the paper voter register."),
    "paper_register_number_too_long": lambda p: _("The register number can be at most %(max)d characters.",
                                                  max=p["max"]),
    "paper_register_number_bad": lambda p: _("The register number contains characters that cannot be stored."),
    "paper_unknown_association": lambda p: _("Choose the voting association from the list of active "
                                             "associations."),
    "paper_voter_twice": lambda p: _("Paper ballot number %(sequence)d names the same voter as ballot number "
                                     "%(other)d of this batch. Each voter has one ballot.",
                                     sequence=p["sequence"], other=p["other"]),
    "paper_voter_already_voted": lambda p: _("The voter of paper ballot number %(sequence)d has already voted, "
                                             "online or in a counted batch. Each voter has one ballot.",
                                             sequence=p["sequence"]),
    "paper_voter_taken": lambda p: _("One of the voters in this batch has already voted, so the batch was not "
                                     "counted. Nothing was stored."),
    "paper_same_coordinator": lambda p: _("You keyed round %(round)d of this batch. Round 1 and round 2 must be "
                                          "keyed by different coordinators, so that the second keying checks the "
                                          "first.", round=p["round"]),
    "paper_second_round_missing": lambda p: _("Ballots are keyed in twice in this budget: a second coordinator must "
                                              "key round 2 of the batch before it can be counted."),
    "paper_mismatches": lambda p: _("The two keyings still differ (differences: %(count)d). Correct the entries "
                                    "from the paper ballots before counting.", count=p["count"]),
    "paper_entry_invalid": lambda p: _("Paper ballot number %(sequence)d: %(reason)s", sequence=p["sequence"],
                                       reason=error_message(p["error"])),
})
BATCH_STATUS_LABELS = {"entering": _l("Being keyed in"), "counted": _l("Counted")}

# Results pages: the counting rules as a column heading reads them ("Funded under equal shares").
TALLY_RULE_SHORT_LABELS = {
    "greedy": _l("most votes first"),
    "mes": _l("equal shares"),
    "mes-completed": _l("equal shares with completion"),
}
