"""Atom feeds (RFC 4287): new proposals and decisions, for feed readers and for anyone who republishes them.

The document is built with ElementTree, so every text is escaped; entry content is the sanitised HTML the
pages show, carried as escaped text (type="html"). Entry ids are the entries' permanent URLs, which never
change, so feed readers update an entry rather than show it twice.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
MIMETYPE = "application/atom+xml; charset=utf-8"


@dataclass(frozen=True)
class Entry:
    url: str  # absolute, also the entry's id
    title: str
    updated: datetime  # naive UTC, as stored
    published: datetime | None = None
    author: str = ""
    summary: str = ""  # plain text
    content_html: str = ""  # sanitised HTML
    categories: tuple[str, ...] = ()


def _timestamp(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc, microsecond=0).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k.rstrip("_"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def feed(title: str, feed_url: str, page_url: str, entries: list[Entry], fallback_updated: datetime,
         language: str, generator: str = "Kyläraati") -> bytes:
    """The feed as UTF-8 XML. `fallback_updated` dates an empty feed."""
    ET.register_namespace("", ATOM_NS)
    root = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": language})
    _add(root, "id", feed_url)
    _add(root, "title", title)
    _add(root, "updated", _timestamp(max((e.updated for e in entries), default=fallback_updated)))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(root, "link", rel="alternate", type="text/html", href=page_url)
    _add(root, "generator", generator)
    # A feed without an author needs one in every entry; the municipality's platform is the fallback.
    _add(_add(root, "author"), "name", generator)
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "id", entry.url)
        _add(element, "title", entry.title)
        _add(element, "link", rel="alternate", type="text/html", href=entry.url)
        _add(element, "updated", _timestamp(entry.updated))
        if entry.published is not None:
            _add(element, "published", _timestamp(entry.published))
        if entry.author:
            _add(_add(element, "author"), "name", entry.author)
        for category in entry.categories:
            _add(element, "category", term=category)
        if entry.summary:
            _add(element, "summary", entry.summary)
        if entry.content_html:
            _add(element, "content", entry.content_html, type_="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
