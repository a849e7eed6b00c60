"""The Tensor Digest: a newsletter site with teaser pages and one original story.

A teaser ("brief") shows the lede and first paragraphs of a Frontier Ledger story and links
to it with "Read the full story"; it is an excerpt, not a copy. Found through the home page,
an HTML listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainews.scraper.demo import publisher
from ainews.scraper.demo.markup import (
    DEMO_NOTICE,
    HTML,
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
)
from ainews.scraper.demo.stories import Story

if TYPE_CHECKING:
    from ainews.scraper.demo.web import DemoWeb

PREFIX = "/digest/"
NAME = "demo-digest"
PUBLISHER = "The Tensor Digest"
LANG = "en-GB"
DISALLOW = ("/digest/private/",)
SITEMAPS: tuple[str, ...] = ()
LISTING = PREFIX

READ_FULL = "Read the full story at {publisher}"
SUBSCRIBE = "Subscribe to The Tensor Digest: five AI stories worth your time, every morning."
FOOTER = "© 2026 The Tensor Digest. Short reads on AI, with links to the full reporting."
BOILERPLATE = ("Read the full story", SUBSCRIBE, "Previous briefs", FOOTER, DEMO_NOTICE)


def article_path(story: Story) -> str:
    kind = "brief" if story.kind == "excerpt" else "story"
    return f"{PREFIX}{kind}/{story.slug}/"


def render(web: DemoWeb) -> dict[str, Resource]:
    stories = web.on("digest")
    out = {web.path(s): Resource.make(_page(web, s, stories), HTML, s.updated) for s in stories}
    out[LISTING] = Resource.make(_home(web, stories), HTML, latest(s.updated for s in stories))
    pages = [("about/", "About", "A daily digest of AI news."),
             ("subscribe/", "Subscribe", SUBSCRIBE)]
    out.update(stub_pages(web, prefix=PREFIX, lang=LANG, site_name=PUBLISHER, pages=pages))
    return out


def _chrome(web: DemoWeb) -> tuple[str, str]:
    top = (
        f'<header class="site-header"><a href="{web.url(LISTING)}">{PUBLISHER}</a>'
        f'<a href="{web.url(PREFIX + "about/")}">About</a>'
        f'<a href="{web.url(PREFIX + "subscribe/")}">Subscribe</a></header>'
    )
    bottom = (
        f'<div class="subscribe-box"><p>{esc(SUBSCRIBE)}</p></div>\n'
        f"<footer><p>{esc(FOOTER)}</p><p>{esc(DEMO_NOTICE)}</p></footer>"
    )
    return top, bottom


def _page(web: DemoWeb, story: Story, stories: list[Story]) -> str:
    url = web.url(web.path(story))
    original = web.stories[story.original] if story.original else None
    head = "\n".join(
        (
            canonical(url),
            f'<meta name="description" content="{esc(story.lede)}">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:url" content="{esc(url)}">',
            f'<meta property="article:published_time" content="{iso(story.published)}">',
            *(f'<meta name="author" content="{esc(a)}">' for a in story.authors),
        )
    )
    via, more = "", ""
    if original:
        source = publisher.PUBLISHER  # the digest only teases The Frontier Ledger's stories
        via = f"From {esc(source)} · "
        link = web.url(web.path(original))
        more = (
            f'<p class="read-more"><a href="{esc(link)}">'
            f"{esc(READ_FULL.format(publisher=source))} →</a></p>"
        )
    byline = ", ".join(esc(a) for a in story.authors)
    others = link_items(web, stories, story)
    main = "\n".join(
        (
            '<main><article class="brief">',
            f"<h1>{esc(story.title)}</h1>",
            f'<p class="via">{via}By {byline} · <time datetime="{iso(story.published)}">'
            f"{human_date(story.published)}</time></p>",
            f'<p class="teaser-lede"><strong>{esc(story.lede)}</strong></p>',
            paras(story.paragraphs),
            more,
            "</article>",
            f'<aside class="previous"><h2>Previous briefs</h2><ul>{others}</ul></aside></main>',
        )
    )
    title = f"{story.title} · {PUBLISHER}"
    return site_page(lang=LANG, title=title, head=head, chrome=_chrome(web), main=main)


def _home(web: DemoWeb, stories: list[Story]) -> str:
    cards = "\n".join(
        f'<div class="card"><h2><a href="{web.url(web.path(s))}">{esc(s.title)}</a></h2>'
        f"<p>{esc(s.lede)}</p></div>"
        for s in stories
    )
    main = f"<main><h1>Today’s briefs</h1>\n{cards}\n</main>"
    head = canonical(web.url(LISTING))
    return site_page(lang=LANG, title=PUBLISHER, head=head, chrome=_chrome(web), main=main)
