"""Plotly figures of a budget's results, built on the server from the presentation rows and sent as JSON.

The browser draws them with the locally served plotly.min.js (app/static/js/charts.js); each chart has a
table beside it with the same numbers, so the drawing itself is decorative for screen readers.

Building and validating a Plotly figure costs tens of milliseconds, most of a results page's time, and the
figures of a closed vote never change: each chart's JSON is kept per process, keyed by everything it is drawn
from (the numbers, the labels and the language), so a changed ballot or another language draws it anew.
"""
import functools
from decimal import Decimal
from typing import NamedTuple

import plotly.graph_objects as go
from flask_babel import get_locale
from flask_babel import gettext as _

from app.budgets.presentation import SHOWN, GroupCount, KindTurnout, ProjectRow, VillageSpending, count_text
from app.charts import (  # noqa: F401  (plotly_style_ids: used by the results page through this module)
    ELIGIBLE_COLOUR, FUNDED_COLOUR, INK, NOT_FUNDED_COLOUR, figure_json, layout, plain, plotly_style_ids, short,
    whole_ticks,
)


CHART_CACHE_SIZE = 64  # charts kept per kind and process (a few kilobytes of JSON each)


# What each chart is drawn from, as hashable values: the keys of the chart caches.
class _Bar(NamedTuple):
    title: str
    pb_id: str
    points: int
    funded: bool


class _Village(NamedTuple):
    name: str
    money: Decimal
    text: str


class _Kind(NamedTuple):
    label: str
    voted: GroupCount
    eligible: int


def _labels(rows: tuple[_Bar, ...]) -> list[str]:
    """Axis labels for the projects: short titles, made unique (a category axis merges equal ones)."""
    labels, seen = [], set()
    for row in rows:
        label = short(row.title)
        if label in seen:
            label = f"{label} ({plain(row.pb_id)})"
        seen.add(label)
        labels.append(label)
    return labels


def votes_chart(rows: list[ProjectRow], cumulative: bool) -> str:
    """Votes (points) per project, most first, funded ones in green and the others grey and hatched."""
    return _votes_chart(str(get_locale()), cumulative,
                        tuple(_Bar(row.project.title, row.pb_id, row.points, row.funded) for row in rows))


@functools.lru_cache(maxsize=CHART_CACHE_SIZE)
def _votes_chart(_locale: str, cumulative: bool, rows: tuple[_Bar, ...]) -> str:
    labels = _labels(rows)
    unit = _("Points") if cumulative else _("Votes")
    figure = go.Figure()
    for funded, name, colour, pattern in ((True, _("Funded"), FUNDED_COLOUR, ""),
                                          (False, _("Not funded"), NOT_FUNDED_COLOUR, "/")):
        chosen = [(label, row) for label, row in zip(labels, rows) if row.funded == funded]
        figure.add_trace(go.Bar(
            name=name, orientation="h", y=[label for label, _row in chosen], x=[row.points for _l, row in chosen],
            marker={"color": colour, "pattern": {"shape": pattern, "fillmode": "replace", "bgcolor": colour,
                                                 "fgcolor": "#ffffff", "solidity": 0.25}},
            customdata=[plain(row.title) for _l, row in chosen],
            hovertemplate="%{customdata}: %{x}<extra>" + name + "</extra>"))
    figure.update_layout(**layout(
        max(200, 70 + 28 * len(rows)), barmode="overlay",
        xaxis={"title": {"text": unit}, "gridcolor": "#dde2e6", "zeroline": True, "zerolinecolor": INK,
               "rangemode": "tozero", "automargin": True, **whole_ticks(max((row.points for row in rows), default=0))},
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed", "automargin": True}))
    return figure_json(figure)


def village_chart(villages: list[VillageSpending], money_text) -> str:
    """Funded money per village; `money_text` formats an amount for the bar labels."""
    return _village_chart(str(get_locale()), tuple(_Village(v.village, v.money, money_text(v.money)) for v in villages))


@functools.lru_cache(maxsize=CHART_CACHE_SIZE)
def _village_chart(_locale: str, villages: tuple[_Village, ...]) -> str:
    figure = go.Figure(go.Bar(
        x=[plain(v.name) for v in villages], y=[float(v.money) for v in villages], text=[v.text for v in villages], textposition="outside", cliponaxis=False,
        marker={"color": FUNDED_COLOUR}, name=_("Funded"),
        hovertemplate="%{x}: %{text}<extra></extra>"))
    figure.update_layout(**layout(
        360, showlegend=False, yaxis={"title": {"text": _("Funded (€)")}, "gridcolor": "#dde2e6",
                                      "rangemode": "tozero", "automargin": True, "tickformat": ",.0f"},
        xaxis={"automargin": True}))
    return figure_json(figure)


def turnout_chart(kinds: list[KindTurnout]) -> str:
    """Ballots and eligible associations per kind; a suppressed count has no bar, only its label (upright,
    in the ballots' slot, so that it does not run into the neighbouring bars).

    Not for a breakdown that is withheld altogether: there would be nothing to draw but the eligible.
    """
    return _turnout_chart(str(get_locale()), tuple(_Kind(str(k.label), k.voted, k.eligible) for k in kinds))


@functools.lru_cache(maxsize=CHART_CACHE_SIZE)
def _turnout_chart(_locale: str, kinds: tuple[_Kind, ...]) -> str:
    labels = [plain(k.label) for k in kinds]
    ballots = _("Ballots cast")
    shown = [(label, k.voted) for label, k in zip(labels, kinds) if k.voted.status == SHOWN]
    hidden = [(label, k.voted) for label, k in zip(labels, kinds) if k.voted.status != SHOWN]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        name=ballots, legendgroup="ballots", offsetgroup="ballots", x=[label for label, _v in shown],
        y=[voted.count for _l, voted in shown], text=[str(voted.count) for _l, voted in shown],
        textposition="outside", cliponaxis=False, constraintext="none", textfont={"size": 13},
        marker={"color": FUNDED_COLOUR}, hovertemplate="%{x}: %{y}<extra>" + ballots + "</extra>"))
    if hidden:
        figure.add_trace(go.Bar(
            name=ballots, legendgroup="ballots", offsetgroup="ballots", showlegend=False,
            x=[label for label, _v in hidden], y=[0] * len(hidden), text=[count_text(voted) for _l, voted in hidden],
            textposition="outside", textangle=-90, cliponaxis=False, constraintext="none", textfont={"size": 13},
            marker={"color": FUNDED_COLOUR}, hovertemplate="%{x}: %{text}<extra>" + ballots + "</extra>"))
    eligible = _("Eligible associations")
    figure.add_trace(go.Bar(
        name=eligible, offsetgroup="eligible", x=labels, y=[k.eligible for k in kinds],
        text=[str(k.eligible) for k in kinds], textposition="outside", cliponaxis=False, constraintext="none",
        textfont={"size": 13}, marker={"color": ELIGIBLE_COLOUR, "line": {"color": INK, "width": 1}},
        hovertemplate="%{x}: %{y}<extra>" + eligible + "</extra>"))
    figure.update_layout(**layout(
        360, barmode="group", yaxis={"title": {"text": _("Associations")}, "gridcolor": "#dde2e6",
                                     "rangemode": "tozero", "automargin": True,
                                     **whole_ticks(max((k.eligible for k in kinds), default=0))},
        xaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels}))
    figure.update_layout(margin={"t": 60})
    return figure_json(figure)
