"""The Frontier Ledger: an original publisher with rich metadata.

Article pages have JSON-LD ``NewsArticle``, OpenGraph tags, visible bylines and ``<time>``
elements, plus a share bar, an in-body newsletter box and related link, a related-articles
box, comments, nav and footer. Found through an RSS 2.0 feed (the newest stories only) and a
sitemap index whose post sitemap lists every story with ``<lastmod>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainews.scraper.demo.markup import (
    DEMO_NOTICE,
    HTML,
    RSS,
    SITE_LAUNCH,
    XML,
    Resource,
    canonical,
    esc,
    human_date,
    iso,
    json_ld,
    latest,
    paras,
    rfc822,
    site_page,
    sitemap_index,
    stub_pages,
    urlset,
    xml_doc,
)
from ainews.scraper.demo.stories import Story

if TYPE_CHECKING:
    from ainews.scraper.demo.web import DemoWeb

PREFIX = "/frontier/"
NAME = "demo-publisher"
PUBLISHER = "The Frontier Ledger"
LANG = "en-US"
DISALLOW = ("/frontier/private/", "/frontier/search")
FEED = "/frontier/feed/"
SITEMAP_INDEX = "/frontier/sitemap_index.xml"
POST_SITEMAP = "/frontier/sitemap-posts.xml"
PAGE_SITEMAP = "/frontier/sitemap-pages.xml"
SITEMAPS = (SITEMAP_INDEX,)
#: The feed carries only the newest stories, so older ones are found through the sitemap.
FEED_SIZE = 5

PAGES = (
    (
        "about/",
        "About The Frontier Ledger",
        "We report on the people, money and machines behind AI.",
    ),
    ("newsletter/", "The Ledger Briefing", "The week’s most important AI stories, every Friday."),
    (
        "ethics/",
        "Ethics policy",
        "How we report, correct mistakes and handle conflicts of interest.",
    ),
)
SHARE = ("Share this article", "Share on X", "Share on LinkedIn", "Copy link", "Email")
BRIEFING = "Get The Ledger Briefing: the week’s most important AI stories, every Friday."
COMMENTS = (
    (
        "quantum_quill",
        "Great reporting as always. Would love a follow-up on what this means for smaller labs.",
    ),
    ("dmitri_k", "I’ll believe the numbers when someone independent reproduces them."),
    (
        "anna.b",
        "Shared this with my team, the section on costs is exactly what we were "
        "debating last week.",
    ),
    ("openweights_fan", "Finally some real detail instead of press-release copy. Subscribed."),
)
FOOTER = "© 2026 The Frontier Ledger. Independent reporting on artificial intelligence."
SECTIONS = ("Models", "Chips", "Policy", "Funding", "Research", "Security")
BOILERPLATE = (
    *SHARE,
    BRIEFING,
    "Related coverage:",
    "More from The Ledger",
    "Join the conversation",
    *(text for _, text in COMMENTS),
    FOOTER,
    "Ethics policy",
    DEMO_NOTICE,
)


def article_path(story: Story) -> str:
    return f"{PREFIX}{story.published:%Y/%m/%d}/{story.slug}/"


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def render(web: DemoWeb) -> dict[str, Resource]:
    stories = web.on("frontier")
    newest = latest(s.updated for s in stories)
    out = {
        web.path(s): Resource.make(_article(web, s, i, stories), HTML, s.updated)
        for i, s in enumerate(stories)
    }
    out[FEED] = Resource.make(_rss(web, stories[:FEED_SIZE]), RSS, newest)
    post_sitemap = urlset((web.url(web.path(s)), s.updated) for s in stories)
    out[POST_SITEMAP] = Resource.make(post_sitemap, XML, newest)
    page_sitemap = urlset((web.url(PREFIX + rest), SITE_LAUNCH) for rest, _, _ in PAGES)
    out[PAGE_SITEMAP] = Resource.make(page_sitemap, XML, SITE_LAUNCH)
    index = sitemap_index([(web.url(POST_SITEMAP), newest), (web.url(PAGE_SITEMAP), SITE_LAUNCH)])
    out[SITEMAP_INDEX] = Resource.make(index, XML, newest)
    out[PREFIX] = Resource.make(_section(web, "Latest", stories, PREFIX), HTML, newest)
    for tag in sorted({t for s in stories for t in s.tags}):
        tagged = [s for s in stories if tag in s.tags]
        path = f"{PREFIX}tag/{slugify(tag)}/"
        out[path] = Resource.make(
            _section(web, tag, tagged, path), HTML, latest(s.updated for s in tagged)
        )
    pages = list(PAGES) + [
        (f"author/{slugify(a)}/", a, f"Articles by {a}.")
        for a in sorted({a for s in stories for a in s.authors})
    ]
    out.update(stub_pages(web, prefix=PREFIX, lang=LANG, site_name=PUBLISHER, pages=pages))
    return out


def _chrome(web: DemoWeb) -> tuple[str, str]:
    """The masthead before the content; the footer after it."""
    return _masthead(web), _footer(web)


def _masthead(web: DemoWeb) -> str:
    links = "".join(
        f'<li><a href="{web.url(f"{PREFIX}tag/{slugify(s)}/")}">{s}</a></li>' for s in SECTIONS
    )
    return (
        f'<header class="masthead"><a class="logo" href="{web.url(PREFIX)}">{PUBLISHER}</a>'
        f'<nav aria-label="Sections"><ul>{links}</ul></nav>'
        f'<a class="subscribe" href="{web.url(PREFIX + "newsletter/")}">Subscribe</a></header>'
    )


def _footer(web: DemoWeb) -> str:
    return (
        f'<footer class="site-footer"><p>{esc(FOOTER)}</p>'
        f'<p><a href="{web.url(PREFIX + "about/")}">About us</a> · '
        f'<a href="{web.url(PREFIX + "ethics/")}">Ethics policy</a></p>'
        f"<p>{esc(DEMO_NOTICE)}</p></footer>"
    )


def _json_ld(web: DemoWeb, story: Story) -> str:
    url = web.url(web.path(story))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "description": story.lede,
            "author": [
                {"@type": "Person", "name": a, "url": web.url(f"{PREFIX}author/{slugify(a)}/")}
                for a in story.authors
            ],
            "datePublished": iso(story.published),
            "dateModified": iso(story.updated),
            "keywords": ", ".join(story.tags),
            "articleSection": story.tags[0] if story.tags else "News",
            "inLanguage": LANG,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "publisher": {
                "@type": "Organization",
                "name": PUBLISHER,
                "logo": {"@type": "ImageObject", "url": web.url(PREFIX + "logo.png")},
            },
        }
    )


def _head(web: DemoWeb, story: Story) -> str:
    url = web.url(web.path(story))
    tags = "\n".join(f'<meta property="article:tag" content="{esc(t)}">' for t in story.tags)
    return "\n".join(
        (
            canonical(url),
            f'<meta name="description" content="{esc(story.lede)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:site_name" content="{PUBLISHER}">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:description" content="{esc(story.lede)}">',
            f'<meta property="og:url" content="{esc(url)}">',
            f'<meta property="article:published_time" content="{iso(story.published)}">',
            f'<meta property="article:modified_time" content="{iso(story.updated)}">',
            tags,
            '<meta name="twitter:card" content="summary_large_image">',
            f'<link rel="alternate" type="application/rss+xml" title="{PUBLISHER}" '
            f'href="{web.url(FEED)}">',
            _json_ld(web, story),
        )
    )


def _byline(web: DemoWeb, story: Story) -> str:
    names = " and ".join(
        f'<a rel="author" href="{web.url(f"{PREFIX}author/{slugify(a)}/")}">{esc(a)}</a>'
        for a in story.authors
    )
    updated = ""
    if story.modified and story.modified != story.published:
        updated = (
            f' · Updated <time class="updated" datetime="{iso(story.modified)}">'
            f"{human_date(story.modified)}</time>"
        )
    return (
        f'<p class="byline">By {names}</p><p class="dateline"><time class="published" '
        f'datetime="{iso(story.published)}">{human_date(story.published)}</time>{updated}</p>'
    )


def _body(web: DemoWeb, story: Story, related: Story | None) -> str:
    """The article text with an inline related link and a newsletter box between paragraphs."""
    first, rest = story.paragraphs[:3], story.paragraphs[3:]
    inline = ""
    if related:
        inline = (
            f'<aside class="inline-related"><strong>Related coverage:</strong> '
            f'<a href="{web.url(web.path(related))}">{esc(related.title)}</a></aside>'
        )
    box = (
        f'<div class="newsletter-box"><p>{esc(BRIEFING)}</p>'
        f'<a href="{web.url(PREFIX + "newsletter/")}">Sign up</a></div>'
    )
    return (
        f'<div class="article-body" itemprop="articleBody">\n{paras(first)}\n{inline}\n'
        f"{paras(rest[:2])}\n{box}\n{paras(rest[2:])}\n</div>"
    )


def _comments(index: int) -> str:
    picked = [COMMENTS[(index + k) % len(COMMENTS)] for k in range(2 + index % 2)]
    items = "".join(
        f'<li class="comment"><p class="comment-author">{esc(user)}</p>'
        f'<p class="comment-text">{esc(text)}</p><button>Reply</button></li>'
        for user, text in picked
    )
    return (
        f'<section id="comments" class="comments"><h2>{len(picked)} comments</h2>'
        f"<p>Join the conversation</p><ol>{items}</ol></section>"
    )


def _article(web: DemoWeb, story: Story, index: int, stories: list[Story]) -> str:
    others = [s for s in stories if s.slug != story.slug]
    share = "".join(f'<li><button class="share">{esc(label)}</button></li>' for label in SHARE)
    tag_links = "".join(
        f'<li><a href="{web.url(f"{PREFIX}tag/{slugify(t)}/")}">{esc(t)}</a></li>'
        for t in story.tags
    )
    related = "".join(
        f'<li><a href="{web.url(web.path(s))}">{esc(s.title)}</a></li>' for s in others[:3]
    )
    kicker = story.tags[0] if story.tags else "News"
    main = "\n".join(
        (
            '<main id="content">',
            '<article class="story">',
            f'<header class="story-header"><p class="kicker">{esc(kicker)}</p>'
            f'<h1 class="headline">{esc(story.title)}</h1>'
            f'<p class="standfirst">{esc(story.lede)}</p>{_byline(web, story)}</header>',
            f'<div class="share-bar"><ul>{share}</ul></div>',
            _body(web, story, others[index % len(others)] if others else None),
            f'<ul class="tags">{tag_links}</ul>',
            "</article>",
            '<aside class="related-articles"><h2>More from The Ledger</h2>'
            f"<ul>{related}</ul></aside>",
            _comments(index),
            "</main>",
        )
    )
    return site_page(
        lang=LANG,
        title=f"{story.title} – {PUBLISHER}",
        head=_head(web, story),
        chrome=_chrome(web),
        main=main,
        body_class="single-post",
    )


def _section(web: DemoWeb, title: str, stories: list[Story], path: str) -> str:
    items = "\n".join(
        f'<li><a href="{web.url(web.path(s))}">{esc(s.title)}</a> '
        f'<time datetime="{iso(s.published)}">{human_date(s.published)}</time></li>'
        for s in stories
    )
    main = f"<main><h1>{esc(title)}</h1>\n<ul>\n{items}\n</ul></main>"
    return site_page(
        lang=LANG,
        title=f"{title} – {PUBLISHER}",
        head=canonical(web.url(path)),
        chrome=_chrome(web),
        main=main,
    )


def _rss(web: DemoWeb, stories: list[Story]) -> str:
    items = "\n".join(
        "  <item>\n"
        f"    <title>{esc(s.title)}</title>\n"
        f"    <link>{web.url(web.path(s))}</link>\n"
        f'    <guid isPermaLink="true">{web.url(web.path(s))}</guid>\n'
        f"    <pubDate>{rfc822(s.published)}</pubDate>\n"
        + "".join(f"    <dc:creator>{esc(a)}</dc:creator>\n" for a in s.authors)
        + "".join(f"    <category>{esc(t)}</category>\n" for t in s.tags)
        + f"    <description>{esc(s.lede)}</description>\n  </item>"
        for s in stories
    )
    newest = latest(s.updated for s in stories)
    return xml_doc(
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"  <title>{PUBLISHER}</title>\n  <link>{web.url(PREFIX)}</link>\n"
        f'  <atom:link href="{web.url(FEED)}" rel="self" type="application/rss+xml"/>\n'
        "  <description>Independent reporting on artificial intelligence.</description>\n"
        f"  <language>{LANG.lower()}</language>\n"
        f"  <lastBuildDate>{rfc822(newest)}</lastBuildDate>\n"
        f"{items}\n</channel>\n</rss>"
    )
