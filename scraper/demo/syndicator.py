"""Relay AI News: a syndicator that republishes edited copies of The Frontier Ledger's stories.

Copies have a new headline and lede, a few changed words, a paragraph added or dropped,
straight quotes and sometimes an "Updated:" note; some declare the original as canonical.
Pages use microdata and ``article:*`` meta, a cookie banner, a ticker, an ad slot inside the
body and a "Most read" box. Found through an Atom feed and a Google News sitemap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainews.scraper.demo import publisher
from ainews.scraper.demo.markup import (
    ATOM,
    DEMO_NOTICE,
    HTML,
    XML,
    Resource,
    canonical,
    esc,
    human_date,
    iso,
    latest,
    link_items,
    paras,
    site_page,
    stub_pages,
    xml_doc,
)
from ainews.scraper.demo.stories import Story

if TYPE_CHECKING:
    from ainews.scraper.demo.web import DemoWeb

PREFIX = "/syndicate/"
NAME = "demo-syndicator"
PUBLISHER = "Relay AI News"
LANG = "en"
DISALLOW = ("/syndicate/private/", "/syndicate/search")
ATOM_FEED = "/syndicate/atom.xml"
NEWS_SITEMAP = "/syndicate/news-sitemap.xml"
SITEMAPS = (NEWS_SITEMAP,)

COOKIES = "We use cookies to improve your experience and to show relevant ads."
TICKER = "Markets: AI chip index +1.8% · Cloud capex tracker updated daily"
AD = "Advertisement"
MOST_READ = "Most read on Relay"
FOOTER = "© 2026 Relay AI News. Syndicated and original coverage of the AI industry."
#: Copies name the publisher they came from (the demo has one partner newsroom).
PUBLISHER_OF_ORIGINAL = publisher.PUBLISHER
CREDIT = "This story originally appeared on {publisher} and is republished with permission."
BOILERPLATE = (
    COOKIES,
    "Accept all",
    "Manage preferences",
    TICKER,
    AD,
    MOST_READ,
    FOOTER,
    "This story originally appeared on",
    "and is republished with permission",
    DEMO_NOTICE,
)


def article_path(story: Story) -> str:
    return f"{PREFIX}story/{story.page_id or 0}-{story.slug}.html"


def render(web: DemoWeb) -> dict[str, Resource]:
    stories = web.on("syndicate")
    newest = latest(s.updated for s in stories)
    out = {web.path(s): Resource.make(_article(web, s, stories), HTML, s.updated) for s in stories}
    out[ATOM_FEED] = Resource.make(_atom(web, stories), ATOM, newest)
    out[NEWS_SITEMAP] = Resource.make(_news_sitemap(web, stories), XML, newest)
    out[PREFIX] = Resource.make(_home(web, stories), HTML, newest)
    about = ("about.html", "About Relay", "Relay republishes AI reporting from partner newsrooms.")
    out.update(stub_pages(web, prefix=PREFIX, lang=LANG, site_name=PUBLISHER, pages=[about]))
    return out


def _original(web: DemoWeb, story: Story) -> Story | None:
    return web.stories[story.original] if story.original else None


def _chrome(web: DemoWeb) -> tuple[str, str]:
    """The banner, ticker and header before the content; the footer after it."""
    top = (
        f'<div id="cookie-banner" role="dialog"><p>{COOKIES}</p><button>Accept all</button>'
        "<button>Manage preferences</button></div>\n"
        f'<div class="ticker">{esc(TICKER)}</div>\n'
        f'<header><a href="{web.url(PREFIX)}" class="logo">{PUBLISHER}</a>'
        f'<a href="{web.url(ATOM_FEED)}">Feed</a></header>'
    )
    bottom = f"<footer><p>{esc(FOOTER)}</p><p>{esc(DEMO_NOTICE)}</p></footer>"
    return top, bottom


def _article(web: DemoWeb, story: Story, stories: list[Story]) -> str:
    original = _original(web, story)
    own = web.url(web.path(story))
    canonical_url = own
    if original and story.canonical_to_original:
        canonical_url = web.url(web.path(original))
    authors = ", ".join(story.authors)
    head = "\n".join(
        (
            canonical(canonical_url),
            f'<meta name="author" content="{esc(authors)}">',
            f'<meta name="keywords" content="{esc(", ".join(story.tags))}">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:description" content="{esc(story.lede)}">',
            f'<meta property="og:url" content="{esc(own)}">',
            f'<meta property="article:published_time" content="{iso(story.published)}">',
            f'<meta property="article:modified_time" content="{iso(story.updated)}">',
        )
    )
    source = f" · {PUBLISHER_OF_ORIGINAL}" if original else ""
    note = ""
    if story.update_note:
        note = (
            f'<p class="update-note"><strong>Updated:</strong> <time datetime="'
            f'{iso(story.updated)}">{human_date(story.updated)}, {story.updated:%H:%M} UTC</time>'
            f" — {esc(story.update_note)}</p>"
        )
    first, rest = story.paragraphs[:2], story.paragraphs[2:]
    credit = (
        f'<p class="syndication-credit">{esc(CREDIT.format(publisher=PUBLISHER_OF_ORIGINAL))}</p>'
    )
    most_read = link_items(web, stories, story)
    main = "\n".join(
        (
            '<div class="layout"><article class="story" itemscope itemtype="https://schema.org/NewsArticle">',
            f'<h1 itemprop="headline">{esc(story.title)}</h1>',
            f'<div class="meta">By <span itemprop="author">{esc(authors)}</span>{source} · '
            f'<time itemprop="datePublished" datetime="{iso(story.published)}">'
            f"{human_date(story.published)}</time></div>",
            note,
            f'<p class="summary" itemprop="description">{esc(story.lede)}</p>',
            f'<div class="story-body" itemprop="articleBody">\n{paras(first)}',
            f'<div class="ad-slot"><span>{AD}</span></div>',
            f"{paras(rest)}\n</div>",
            credit if original else "",
            "</article>",
            f'<aside class="most-read"><h2>{MOST_READ}</h2><ol>{most_read}</ol></aside></div>',
        )
    )
    title = f"{story.title} | {PUBLISHER}"
    return site_page(lang=LANG, title=title, head=head, chrome=_chrome(web), main=main)


def _home(web: DemoWeb, stories: list[Story]) -> str:
    items = "\n".join(
        f'<li><a href="{web.url(web.path(s))}">{esc(s.title)}</a></li>' for s in stories
    )
    main = f"<main><h1>Latest</h1><ul>\n{items}\n</ul></main>"
    head = canonical(web.url(PREFIX))
    return site_page(lang=LANG, title=PUBLISHER, head=head, chrome=_chrome(web), main=main)


def _atom(web: DemoWeb, stories: list[Story]) -> str:
    entries = "\n".join(
        "  <entry>\n"
        f"    <title>{esc(s.title)}</title>\n"
        f'    <link rel="alternate" type="text/html" href="{web.url(web.path(s))}"/>\n'
        f"    <id>tag:relay.example,2026:story-{s.page_id or 0}-{s.slug}</id>\n"
        f"    <published>{iso(s.published)}</published>\n"
        f"    <updated>{iso(s.updated)}</updated>\n"
        + "".join(f"    <author><name>{esc(a)}</name></author>\n" for a in s.authors)
        + "".join(f'    <category term="{esc(t)}"/>\n' for t in s.tags)
        + f"    <summary>{esc(s.lede)}</summary>\n  </entry>"
        for s in stories
    )
    return xml_doc(
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        f"  <title>{PUBLISHER}</title>\n  <id>{web.url(PREFIX)}</id>\n"
        f'  <link rel="self" href="{web.url(ATOM_FEED)}"/>\n'
        f'  <link rel="alternate" type="text/html" href="{web.url(PREFIX)}"/>\n'
        f"  <updated>{iso(latest(s.updated for s in stories))}</updated>\n"
        f"{entries}\n</feed>"
    )


def _news_sitemap(web: DemoWeb, stories: list[Story]) -> str:
    rows = "\n".join(
        "  <url>\n"
        f"    <loc>{web.url(web.path(s))}</loc>\n"
        f"    <lastmod>{iso(s.updated)}</lastmod>\n"
        "    <news:news>\n      <news:publication>\n"
        f"        <news:name>{PUBLISHER}</news:name>\n"
        f"        <news:language>{LANG}</news:language>\n"
        "      </news:publication>\n"
        f"      <news:publication_date>{iso(s.published)}</news:publication_date>\n"
        f"      <news:title>{esc(s.title)}</news:title>\n"
        f"      <news:keywords>{esc(', '.join(s.tags))}</news:keywords>\n"
        "    </news:news>\n  </url>"
        for s in stories
    )
    return xml_doc(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{rows}\n</urlset>"
    )
