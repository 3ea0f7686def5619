"""Plain text to safe HTML with clickable web links. Plain Python: no Flask, no database.

The text is escaped first; links are then found in the escaped text, so nothing a person
types can become markup: a URL may contain `&amp;` but stops at any other entity
(`&lt;`, `&gt;`, `&#34;`, `&#39;`), which keeps quotes and tags out of the href.
"""
import re

from markupsafe import Markup, escape

_URL = re.compile(r"(?<![\w/.:-])https?://(?:[^\s&<>\"']|&amp;)+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the address: "see https://iitti.fi."
_TRAILING = ".,;:!?*"
_SCHEME_ONLY = re.compile(r"https?://$", re.IGNORECASE)
LINK_REL = "nofollow noopener noreferrer ugc"


def _trim(url: str) -> tuple[str, str]:
    """Split trailing punctuation (and an unbalanced closing parenthesis) off a found URL."""
    tail = ""
    while url:
        if url[-1] in _TRAILING:
            url, tail = url[:-1], url[-1] + tail
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url, tail = url[:-1], ")" + tail
        elif url.endswith("&amp;"):
            url, tail = url[:-5], "&amp;" + tail
        else:
            break
    return url, tail


def _link(match: re.Match) -> str:
    url, tail = _trim(match.group(0))
    if _SCHEME_ONLY.match(url):  # "https://" alone is not a link
        return match.group(0)
    return f'<a href="{url}" rel="{LINK_REL}">{url}</a>{tail}'


def linkify(text: str | None) -> Markup:
    """Escape `text` and make its http(s) addresses clickable; nothing else becomes HTML."""
    if not text:
        return Markup("")
    return Markup(_URL.sub(_link, str(escape(text))))
