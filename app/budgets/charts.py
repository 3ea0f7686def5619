"""Plotly figures of a budget's results, built on the server from the presentation rows and sent as JSON.

The browser draws them with the locally served plotly.min.js (app/static/js/charts.js); each chart has a
table beside it with the same numbers, so the drawing itself is decorative for screen readers.
"""
import functools
import html
import json
import re
from importlib.resources import files

import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import get_locale, gettext as _

from app.budgets.presentation import SHOWN, KindTurnout, ProjectRow, VillageSpending, count_text

FUNDED_COLOUR = "#1d5c3a"  # the site's brand green, 8.1:1 on white
NOT_FUNDED_COLOUR = "#6b737b"  # grey, 4.8:1 on white; also hatched, so colour is not the only cue
ELIGIBLE_COLOUR = "#b8c0c8"
INK = "#1b1f23"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif'
# Nothing is fetched from elsewhere: no mode bar (its logo links out), no MathJax, no map tiles.
CONFIG = {"responsive": True, "displaylogo": False, "displayModeBar": False, "typesetMath": False,
          "showLink": False, "showTips": False, "scrollZoom": False}


@functools.cache
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the style elements plotly.min.js adds when it loads unless an element with that id exists.

    The site's security policy forbids inline styles, so the results page puts empty elements with these ids
    in the page (Plotly's own rules are in app.css). Read from the installed bundle, which the Makefile copies
    to static/vendor, so they follow Plotly's version.
    """
    bundle = (files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    found = re.findall(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)', bundle)
    return ("plotly.js-style-global", *dict.fromkeys(found))


def _separators() -> str:
    """Plotly's decimal and thousands separators for the page's language."""
    return ".," if str(get_locale()) == "en" else ",\u00a0"


def _layout(height: int, **extra) -> dict:
    layout = {"template": "none", "height": height, "separators": _separators(),
              "font": {"family": FONT, "size": 14, "color": INK}, "paper_bgcolor": "#ffffff",
              "plot_bgcolor": "#ffffff", "margin": {"l": 10, "r": 20, "t": 40, "b": 10},
              "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
              "hoverlabel": {"font": {"family": FONT}}}
    layout.update(extra)
    return layout


def _whole_ticks(largest: int) -> dict:
    """Axis ticks at whole numbers only (votes and voters come in ones)."""
    return {"tickformat": ",d", "dtick": max(1, -(-largest // 8))} if largest <= 80 else {"tickformat": ",d"}


def _json(figure: go.Figure) -> str:
    payload = json.loads(pio.to_json(figure, validate=True))
    payload["config"] = CONFIG
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _plain(text: str) -> str:
    """Text as Plotly shows it: it reads tags such as <b> and <a> in labels, so people's text is escaped."""
    return html.escape(str(text), quote=False)


def _short(text: str, limit: int = 28) -> str:
    return _plain(text if len(text) <= limit else text[:limit - 1].rstrip() + "…")


def _labels(rows: list[ProjectRow]) -> list[str]:
    """Axis labels for the projects: short titles, made unique (a category axis merges equal ones)."""
    labels, seen = [], set()
    for row in rows:
        label = _short(row.project.title)
        if label in seen:
            label = f"{label} ({_plain(row.pb_id)})"
        seen.add(label)
        labels.append(label)
    return labels


def votes_chart(rows: list[ProjectRow], cumulative: bool) -> str:
    """Votes (points) per project, most first, funded ones in green and the others grey and hatched."""
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
            customdata=[_plain(row.project.title) for _l, row in chosen],
            hovertemplate="%{customdata}: %{x}<extra>" + name + "</extra>"))
    figure.update_layout(**_layout(
        max(200, 70 + 28 * len(rows)), barmode="overlay",
        xaxis={"title": {"text": unit}, "gridcolor": "#dde2e6", "zeroline": True, "zerolinecolor": INK,
               "rangemode": "tozero", "automargin": True, **_whole_ticks(max((r.points for r in rows), default=0))},
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed", "automargin": True}))
    return _json(figure)


def village_chart(villages: list[VillageSpending], money_text) -> str:
    """Funded money per village; `money_text` formats an amount for the bar labels."""
    figure = go.Figure(go.Bar(
        x=[_plain(v.village) for v in villages], y=[float(v.money) for v in villages],
        text=[money_text(v.money) for v in villages], textposition="outside", cliponaxis=False,
        marker={"color": FUNDED_COLOUR}, name=_("Funded"),
        hovertemplate="%{x}: %{text}<extra></extra>"))
    figure.update_layout(**_layout(
        360, showlegend=False, yaxis={"title": {"text": _("Funded (€)")}, "gridcolor": "#dde2e6",
                                      "rangemode": "tozero", "automargin": True, "tickformat": ",.0f"},
        xaxis={"automargin": True}))
    return _json(figure)


def turnout_chart(kinds: list[KindTurnout]) -> str:
    """Ballots and eligible associations per kind; a suppressed count has no bar, only its label (upright,
    in the ballots' slot, so that it does not run into the neighbouring bars).

    Not for a breakdown that is withheld altogether: there would be nothing to draw but the eligible.
    """
    labels = [_plain(k.label) for k in kinds]
    ballots = _("Ballots cast")
    shown = [(label, k) for label, k in zip(labels, kinds) if k.voted.status == SHOWN]
    hidden = [(label, k) for label, k in zip(labels, kinds) if k.voted.status != SHOWN]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        name=ballots, legendgroup="ballots", offsetgroup="ballots", x=[label for label, _k in shown],
        y=[k.voted.count for _l, k in shown], text=[str(k.voted.count) for _l, k in shown], textposition="outside",
        cliponaxis=False, constraintext="none", textfont={"size": 13}, marker={"color": FUNDED_COLOUR},
        hovertemplate="%{x}: %{y}<extra>" + ballots + "</extra>"))
    if hidden:
        figure.add_trace(go.Bar(
            name=ballots, legendgroup="ballots", offsetgroup="ballots", showlegend=False,
            x=[label for label, _k in hidden], y=[0] * len(hidden), text=[count_text(k.voted) for _l, k in hidden],
            textposition="outside", textangle=-90, cliponaxis=False, constraintext="none", textfont={"size": 13},
            marker={"color": FUNDED_COLOUR}, hovertemplate="%{x}: %{text}<extra>" + ballots + "</extra>"))
    eligible = _("Eligible associations")
    figure.add_trace(go.Bar(
        name=eligible, offsetgroup="eligible", x=labels, y=[k.eligible for k in kinds],
        text=[str(k.eligible) for k in kinds], textposition="outside", cliponaxis=False, constraintext="none",
        textfont={"size": 13}, marker={"color": ELIGIBLE_COLOUR, "line": {"color": INK, "width": 1}},
        hovertemplate="%{x}: %{y}<extra>" + eligible + "</extra>"))
    figure.update_layout(**_layout(
        360, barmode="group", yaxis={"title": {"text": _("Associations")}, "gridcolor": "#dde2e6",
                                     "rangemode": "tozero", "automargin": True,
                                     **_whole_ticks(max((k.eligible for k in kinds), default=0))},
        xaxis={"automargin": True, "categoryorder": "array", "categoryarray": labels}))
    figure.update_layout(margin={"t": 60})
    return _json(figure)
