"""Markdown to safe HTML: markdown-it renders, nh3 sanitises."""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is off in the parser and anything left is cleaned again by nh3.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em",
    "a", "blockquote", "code", "pre",
}


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to sanitised HTML; headings start at h2 (the page owns h1)."""
    if not text:
        return Markup("")
    html = _md.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)
