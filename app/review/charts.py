"""Plotly figures of the board review dashboard, built on the server from the services' rows and sent as JSON.

Drawn in the browser by the locally served plotly.min.js (app/static/js/charts.js), in the style of the
budget results' charts; each has a table beside it with the same numbers, so the drawing is decorative for
screen readers.
"""
import plotly.graph_objects as go
from flask_babel import gettext as _

from app.charts import (  # noqa: F401  (plotly_style_ids: re-exported for the dashboard)
    FUNDED_COLOUR, INK, figure_json, layout, plain, plotly_style_ids, short, whole_ticks,
)
from app.review.services import CountRow, Participation

PARTICIPATION_SHOWN = 15  # associations drawn; the table lists them all
# Four kinds of participation, told apart by pattern as well as colour.
KIND_STYLES = (("#1d5c3a", ""), ("#6b737b", "/"), ("#2b5f8a", "."), ("#8a5a00", "x"))


def _count_bars(labels: list[str], counts: list[int], name: str, height: int = 360) -> str:
    figure = go.Figure(go.Bar(
        x=labels, y=counts, text=[str(c) for c in counts], textposition="outside", cliponaxis=False,
        marker={"color": FUNDED_COLOUR}, name=name, hovertemplate="%{x}: %{y}<extra></extra>"))
    figure.update_layout(**layout(
        height, showlegend=False,
        yaxis={"title": {"text": name}, "gridcolor": "#dde2e6", "rangemode": "tozero", "automargin": True,
               **whole_ticks(max(counts, default=0))},
        xaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels}))
    return figure_json(figure)


def state_chart(rows: list[CountRow], state_labels) -> str:
    """Proposals per state, in the state machine's order."""
    return _count_bars([plain(state_labels[r.key]) for r in rows], [r.count for r in rows], _("Proposals"))


def village_chart(rows: list[CountRow], whole_municipality: str) -> str:
    """Proposals per village, most first."""
    return _count_bars([short(r.key or whole_municipality) for r in rows], [r.count for r in rows],
                       _("Proposals"))


def response_chart(bucket_labels: list[str], counts: list[int]) -> str:
    """Answered proposals by the days they waited for the official answer (a histogram in buckets)."""
    return _count_bars([plain(label) for label in bucket_labels], counts, _("Answered proposals"))


def participation_chart(rows: list[Participation]) -> str:
    """Each association's proposals, endorsements, statements and ballots, stacked, most active first."""
    shown = rows[:PARTICIPATION_SHOWN]
    labels, seen = [], set()
    for row in shown:
        label = short(row.association)
        while label in seen:  # a category axis would merge equal labels
            label += "\u200b"
        seen.add(label)
        labels.append(label)
    figure = go.Figure()
    kinds = ((_("Proposals"), "proposals"), (_("Endorsements"), "endorsements"), (_("Statements"), "statements"),
             (_("Budget ballots"), "ballots"))
    for (name, attribute), (colour, pattern) in zip(kinds, KIND_STYLES):
        figure.add_trace(go.Bar(
            name=name, orientation="h", y=labels, x=[getattr(row, attribute) for row in shown],
            marker={"color": colour, "line": {"color": INK, "width": 0.5},
                    "pattern": {"shape": pattern, "fillmode": "replace", "bgcolor": colour, "fgcolor": "#ffffff",
                                "solidity": 0.3}},
            customdata=[plain(row.association) for row in shown],
            hovertemplate="%{customdata}: %{x}<extra>" + name + "</extra>"))
    figure.update_layout(**layout(
        max(220, 90 + 30 * len(shown)), barmode="stack",
        xaxis={"title": {"text": _("Actions")}, "gridcolor": "#dde2e6", "rangemode": "tozero", "automargin": True,
               **whole_ticks(max((row.total for row in shown), default=0))},
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed", "automargin": True}))
    figure.update_layout(margin={"t": 60})
    return figure_json(figure)
