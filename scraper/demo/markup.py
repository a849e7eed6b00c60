"""Helpers shared by the demo sites' layouts: escaping, dates, the page shell, resources."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ainews.scraper.demo.stories import Story
    from ainews.scraper.demo.web import DemoWeb

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

#: Last-Modified of pages that never change (about pages, robots.txt).
SITE_LAUNCH = datetime(2025, 11, 3, 9, 0, tzinfo=UTC)

#: Every site's footer says so; it is boilerplate on every page.
DEMO_NOTICE = "A fictional site in the ainews demo web. All stories here are invented."


@dataclass(frozen=True)
class Resource:
    """One servable document: bytes plus the validators the server sends with them."""

    body: bytes
    content_type: str
    last_modified: datetime
    etag: str

    @classmethod
    def make(cls, text: str, content_type: str, last_modified: datetime) -> Resource:
        body = text.encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        return cls(body, content_type, last_modified.replace(microsecond=0), etag)


def esc(text: str) -> str:
    return escape(text, quote=True)


def human_date(when: datetime) -> str:
    """``March 3, 2026``."""
    return f"{when:%B} {when.day}, {when.year}"


def iso(when: datetime) -> str:
    """``2026-03-03T09:00:00+00:00`` (ISO 8601, W3C datetime)."""
    return when.astimezone(UTC).isoformat()


def rfc822(when: datetime) -> str:
    """``Tue, 03 Mar 2026 09:00:00 +0000`` for RSS ``pubDate``."""
    return format_datetime(when.astimezone(UTC))


def http_date(when: datetime) -> str:
    """``Tue, 03 Mar 2026 09:00:00 GMT`` for HTTP headers."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


def latest(times: Iterable[datetime]) -> datetime:
    return max(times, default=SITE_LAUNCH)


def link_items(web: DemoWeb, stories: Iterable[Story], skip: Story) -> str:
    """``<li>`` links to the other stories of a site (related / most-read boxes)."""
    return "".join(
        f'<li><a href="{web.url(web.path(s))}">{esc(s.title)}</a></li>'
        for s in stories
        if s.slug != skip.slug
    )


def paras(texts: Iterable[str], cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return "\n".join(f"<p{attr}>{esc(text)}</p>" for text in texts)


def json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def document(*, lang: str, title: str, head: str, body: str, body_class: str = "") -> str:
    """A complete HTML page: doctype, ``<html lang>``, charset meta, title, extra head."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n{head}\n</head>\n"
        f'<body class="{esc(body_class)}">\n{body}\n</body>\n</html>\n'
    )


def canonical(url: str) -> str:
    """A page's ``<link rel="canonical">``."""
    return f'<link rel="canonical" href="{esc(url)}">'


def site_page(
    *, lang: str, title: str, head: str, chrome: tuple[str, str], main: str, body_class: str = ""
) -> str:
    """A page of one site: its ``chrome`` (what stands before and after the content on
    every page: banners, nav, footer) around ``main``."""
    top, bottom = chrome
    body = f"{top}\n{main}\n{bottom}"
    return document(lang=lang, title=title, head=head, body=body, body_class=body_class)


def stub_pages(
    web: DemoWeb, *, prefix: str, lang: str, site_name: str,
    pages: Iterable[tuple[str, str, str]],
) -> dict[str, Resource]:
    """Plain non-article pages (about, newsletter ...) that listings and nav bars link to,
    by path: each ``(path under prefix, title, text)``."""
    out = {}
    for rest, title, text in pages:
        head = canonical(web.url(prefix + rest))
        body = (
            f"<header><p>{esc(site_name)}</p></header>\n<main>\n<h1>{esc(title)}</h1>\n"
            f"<p>{esc(text)}</p>\n</main>\n<footer><p>{esc(DEMO_NOTICE)}</p></footer>"
        )
        html = document(lang=lang, title=f"{title} | {site_name}", head=head, body=body)
        out[prefix + rest] = Resource.make(html, HTML, SITE_LAUNCH)
    return out


def xml_doc(body: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def urlset(entries: Iterable[tuple[str, datetime]]) -> str:
    """A sitemap ``<urlset>`` of (absolute URL, lastmod)."""
    rows = "\n".join(
        f"  <url>\n    <loc>{esc(loc)}</loc>\n    <lastmod>{iso(mod)}</lastmod>\n  </url>"
        for loc, mod in entries
    )
    return xml_doc(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}\n</urlset>'
    )


def sitemap_index(entries: Iterable[tuple[str, datetime]]) -> str:
    """A ``<sitemapindex>`` of (absolute sitemap URL, lastmod)."""
    rows = "\n".join(
        f"  <sitemap>\n    <loc>{esc(loc)}</loc>\n    <lastmod>{iso(mod)}</lastmod>\n  </sitemap>"
        for loc, mod in entries
    )
    return xml_doc(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}\n</sitemapindex>"
    )
