"""AIWire: an aggregator in the style of a no-code site builder.

Each article page carries the body twice (desktop and mobile blocks), wrapped in featured
tool cards, a newsletter form, "Similar Blogs" teasers and a "Source:/Date:" credit. Found
through an HTML listing with a second page; one listed link is under a robots-disallowed path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ainews.scraper.demo.markup import (
    DEMO_NOTICE,
    HTML,
    Resource,
    esc,
    human_date,
    latest,
    paras,
    site_page,
    stub_pages,
)
from ainews.scraper.demo.stories import Story

if TYPE_CHECKING:
    from ainews.scraper.demo.web import DemoWeb

PREFIX = "/aiwire/"
NAME = "demo-aggregator"
PUBLISHER = "AIWire"
LANG = "en"
DISALLOW = ("/aiwire/private/",)
SITEMAPS: tuple[str, ...] = ()
LISTING = "/aiwire/blog/"
#: Stories per listing page; 4 puts the rest (and the disallowed link) on page 2.
PER_PAGE = 4

TOOLS = (
    (
        "Quillmate",
        "Free",
        "Quillmate is an AI writing assistant that turns rough outlines into "
        "search-friendly drafts with tone controls and plagiarism checks.",
        "SEO",
    ),
    (
        "VoxForge",
        "Freemium",
        "VoxForge Review – Studio-Quality AI Voiceovers in 120 Voices",
        "Text to Speech",
    ),
    (
        "Slidewise",
        "Paid",
        "Slidewise builds on-brand presentation decks from a single prompt "
        "and your company style guide.",
        "Productivity",
    ),
)
SIMILAR = (
    (
        "alpine-ai-raises-seed",
        "AlpineAI Raises Seed Round",
        "AlpineAI has closed a double-digit "
        "million seed round to accelerate the development of sovereign AI technologies.",
    ),
    (
        "blp-digital-raises-50m",
        "BLP Digital Raises $50M Funding Round",
        "BLP Digital has "
        "secured $50 million in strategic funding to expand its AI-driven enterprise solutions.",
    ),
    (
        "fruitful-ai-secures-funding",
        "Fruitful AI Secures Funding Round",
        "Fruitful AI has "
        "completed a strategic investment round to scale operations and enhance its product suite.",
    ),
    (
        "visium-raises-ai-funding",
        "Visium Raises AI Funding Round",
        "Visium has raised fresh "
        "funding to scale across key European markets and expand into the US enterprise "
        "AI ecosystem.",
    ),
)
#: The similar-posts cards all show one date, as on the site this layout imitates.
SIMILAR_DATE = "April 9, 2026"
NEWSLETTER = (
    "Learn more about future of AI",
    "Join 80,000+ AI enthusiasts getting weekly updates on exciting AI tools.",
    "Thank you! Your submission has been received!",
    "Oops! Something went wrong while submitting the form.",
)
NAV = (
    ("/aiwire/", "Home"),
    (LISTING, "AI News"),
    ("/aiwire/tools/", "AI Tools"),
    ("/aiwire/newsletter/", "Newsletter"),
    ("/aiwire/about/", "Submit a Tool"),
)
FOOTER = "© 2026 AIWire. Curated AI news and tools for busy professionals."
BOILERPLATE = (
    "Featured tools",
    *(text for tool in TOOLS for text in (tool[0], tool[2])),
    *NEWSLETTER,
    *(text for _, title, teaser in SIMILAR for text in (title, teaser)),
    "Similar Blogs",
    "Promote Your Tool",
    "Copy Embed Code",
    "Read more",
    FOOTER,
    DEMO_NOTICE,
)


def article_path(story: Story) -> str:
    return f"{PREFIX}{'private/' if story.private else ''}blog/{story.slug}"


def render(web: DemoWeb) -> dict[str, Resource]:
    stories = web.on("aiwire")
    public = [story for story in stories if not story.private]
    pages = [public[:PER_PAGE], public[PER_PAGE:] + [s for s in stories if s.private]]
    out = {
        web.path(story): Resource.make(_article(web, story), HTML, story.updated)
        for story in stories
    }
    for number, chunk in enumerate(pages, start=1):
        path = LISTING if number == 1 else f"{LISTING}page/{number}/"
        html = _listing(web, chunk, number, len(pages))
        out[path] = Resource.make(html, HTML, latest(s.updated for s in chunk))
    out[PREFIX] = Resource.make(
        _listing(web, public[:3], 0, 0), HTML, latest(s.updated for s in public)
    )
    stubs = [
        ("tools/", "AI Tools", "Browse 2,000+ hand-picked AI tools by category."),
        ("newsletter/", "Newsletter", NEWSLETTER[1]),
        ("about/", "Submit a Tool", "Tell us about your AI product and we will review it."),
    ]
    stubs += [(f"archive/{slug}", title, teaser) for slug, title, teaser in SIMILAR]
    out.update(stub_pages(web, prefix=PREFIX, lang=LANG, site_name=PUBLISHER, pages=stubs))
    return out


def _nav(web: DemoWeb) -> str:
    links = "".join(
        f'<a href="{web.url(path)}" class="nav-link">{esc(label)}</a>' for path, label in NAV
    )
    return (
        f'<div class="navbar w-nav"><a href="{web.url(PREFIX)}" class="brand">AIWire</a>'
        f'<nav class="nav-menu">{links}</nav></div>'
    )


def _footer() -> str:
    return f'<footer class="footer"><p>{esc(FOOTER)}</p><p>{esc(DEMO_NOTICE)}</p></footer>'


def _body_block(story: Story, title_tag: str, cls: str) -> str:
    """One copy of the article (the page has two: desktop and mobile)."""
    credit = ""
    if story.source_credit:
        credit = (
            f"<p>Source: {esc(story.source_credit)}</p>\n"
            f"<p>Date: {esc(human_date(story.published))}</p>"
        )
    return (
        f'<div class="blog-wrapper {cls}">\n<div class="blog-hero">'
        f'<{title_tag} class="blog-title">{esc(story.title)}</{title_tag}>\n'
        f'<p class="blog-summary">{esc(story.lede)}</p>\n'
        f'<div class="blog-date">{esc(human_date(story.published))}</div>'
        f'<div class="divider">|</div></div>\n'
        f'<div class="blog-content w-richtext">\n{paras(story.paragraphs)}\n{credit}\n'
        "</div>\n</div>"
    )


def _tools() -> str:
    cards = "".join(
        f'<div class="tool-card"><h4>{esc(name)}</h4><div class="price">{esc(price)}</div>'
        f'<p>{esc(desc)}</p><div class="tag">#</div><div class="tag">{esc(tag)}</div>'
        f'<div class="button">Learn more</div></div>'
        for name, price, desc, tag in TOOLS
    )
    return f'<div class="tools-sidebar"><ul><li>Featured tools</li></ul>{cards}</div>'


def _newsletter() -> str:
    head, pitch, done, fail = NEWSLETTER
    return (
        f'<div class="newsletter-block"><h3>{esc(head)}</h3><p>{esc(pitch)}</p>'
        '<form class="w-form" method="get"><input type="email" name="email" placeholder="Email">'
        '<input type="submit" value="Subscribe"></form>'
        f'<div class="w-form-done"><div>{esc(done)}</div></div>'
        f'<div class="w-form-fail"><div>{esc(fail)}</div></div></div>'
    )


def _similar(web: DemoWeb) -> str:
    cards = "".join(
        f'<div class="similar-card"><div class="blog-date">{SIMILAR_DATE}</div>'
        f'<div class="divider">|</div><h3>{esc(title)}</h3><p>{esc(teaser)}</p>'
        f'<a href="{web.url(f"{PREFIX}archive/{slug}")}" class="read-more">Read more</a></div>'
        for slug, title, teaser in SIMILAR
    )
    return f'<section class="similar-blogs"><h2>Similar Blogs</h2>{cards}</section>'


def _article(web: DemoWeb, story: Story) -> str:
    url = web.url(web.path(story))
    head = (
        f'<link rel="canonical" href="{esc(url)}">\n'
        f'<meta name="description" content="{esc(story.lede)}">\n'
        f'<meta property="og:title" content="{esc(story.title)}">\n'
        f'<meta property="og:description" content="{esc(story.lede)}">\n'
        f'<meta property="og:type" content="website">\n'
        f'<meta property="og:url" content="{esc(url)}">'
    )
    main = "\n".join(
        (
            _body_block(story, "h1", "desktop-only"),
            _tools(),
            _newsletter(),
            _body_block(story, "h2", "mobile-only"),
            '<div class="promote"><h3>Promote Your Tool</h3>'
            '<div class="button">Copy Embed Code</div></div>',
            _similar(web),
        )
    )
    title = f"{story.title} | AIWire"
    return site_page(lang=LANG, title=title, head=head, chrome=(_nav(web), _footer()), main=main)


def _listing(web: DemoWeb, stories: list[Story], number: int, last: int) -> str:
    cards = "\n".join(
        f'<div class="blog-card"><div class="blog-date">{esc(human_date(s.published))}</div>'
        f'<h3><a href="{esc(web.url(web.path(s)))}">{esc(s.title)}</a></h3>'
        f'<p>{esc(s.lede)}</p><a href="{esc(web.url(web.path(s)))}" class="read-more">'
        "Read more</a></div>"
        for s in stories
    )
    head = ""
    pager = ""
    if number:
        this = LISTING if number == 1 else f"{LISTING}page/{number}/"
        head = f'<link rel="canonical" href="{esc(web.url(this))}">'
        if number < last:
            nxt = web.url(f"{LISTING}page/{number + 1}/")
            head += f'\n<link rel="next" href="{esc(nxt)}">'
            pager += f'<a href="{esc(nxt)}" rel="next" class="w-pagination-next">Next</a>'
        if number > 1:
            prev = web.url(LISTING if number == 2 else f"{LISTING}page/{number - 1}/")
            head += f'\n<link rel="prev" href="{esc(prev)}">'
            pager = (
                f'<a href="{esc(prev)}" rel="prev" class="w-pagination-previous">Previous</a>'
                + pager
            )
    title = "Latest AI News" if number else "AIWire: AI news and tools"
    main = (
        f'<main><h1>{title}</h1>\n<div class="blog-list">\n{cards}\n</div>\n'
        f'<div class="w-pagination-wrapper">{pager}</div></main>\n{_newsletter()}'
    )
    chrome = (_nav(web), _footer())
    return site_page(lang=LANG, title=f"{title} | AIWire", head=head, chrome=chrome, main=main)
