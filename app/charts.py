"""The site's Plotly chart style, shared by the budget results and the board review dashboard.

Figures are built on the server and sent as JSON; the browser draws them with the locally served
plotly.min.js (app/static/js/charts.js). Every chart has a table beside it with the same numbers, so the
drawing itself is decorative for screen readers.
"""
import functools
import html
import json
import re
from importlib.resources import files

import plotly.graph_objects as go
import plotly.io as pio
from flask_babel import get_locale

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


def separators() -> str:
    """Plotly's decimal and thousands separators for the page's language."""
    return ".," if str(get_locale()) == "en" else ",\u00a0"


def layout(height: int, **extra) -> dict:
    layout = {"template": "none", "height": height, "separators": separators(),
              "font": {"family": FONT, "size": 14, "color": INK}, "paper_bgcolor": "#ffffff",
              "plot_bgcolor": "#ffffff", "margin": {"l": 10, "r": 20, "t": 40, "b": 10},
              "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
              "hoverlabel": {"font": {"family": FONT}}}
    layout.update(extra)
    return layout


def whole_ticks(largest: int) -> dict:
    """Axis ticks at whole numbers only (votes and voters come in ones)."""
    return {"tickformat": ",d", "dtick": max(1, -(-largest // 8))} if largest <= 80 else {"tickformat": ",d"}


def figure_json(figure: go.Figure) -> str:
    payload = json.loads(pio.to_json(figure, validate=True))
    payload["config"] = CONFIG
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def plain(text: str) -> str:
    """Text as Plotly shows it: it reads tags such as <b> and <a> in labels, so people's text is escaped."""
    return html.escape(str(text), quote=False)


def short(text: str, limit: int = 28) -> str:
    return plain(text if len(text) <= limit else text[:limit - 1].rstrip() + "…")
