"""Ground truth of the demo web (``ainews.scraper.demo``), for tests and benchmarks: what each
article page is and contains. Test-only, so it lives here and not in the package.

``pages()`` maps each article URL path to an :class:`ExpectedPage`; ``BOILERPLATE`` lists per
site the strings that must never appear in an extracted body or lede.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ainews.scraper.demo.syndicator import PUBLISHER_OF_ORIGINAL
from ainews.scraper.demo.web import LAYOUTS, DemoWeb

#: Sites-file name of each demo site, by its ``stories.toml`` key.
SITE_NAMES: dict[str, str] = {key: layout.NAME for key, layout in LAYOUTS.items()}

#: Per sites-file name: tool cards, newsletter, similar posts, share bar, comments, nav, footer.
BOILERPLATE: dict[str, tuple[str, ...]] = {
    layout.NAME: layout.BOILERPLATE for layout in LAYOUTS.values()
}


@dataclass(frozen=True)
class ExpectedPage:
    """One article page. ``story`` is the slug whose text it carries; ``original`` is the URL
    path of the page it copies (``kind == "syndicated"``) or teases (``kind == "excerpt"``)."""

    path: str
    site: str  # sites-file name, e.g. "demo-publisher"
    slug: str
    story: str
    kind: str  # "original" | "syndicated" | "excerpt"
    original: str | None
    event: str  # pages with the same event report the same happening
    title: str
    authors: tuple[str, ...]
    published: str  # ISO 8601, UTC; aggregator pages show a date only (midnight UTC)
    modified: str | None  # set when edited; publisher and syndicator pages declare
    # dateModified / article:modified_time = modified or published
    lede: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    language: str
    canonical: str  # URL path the page declares as canonical
    source_credit: str | None
    disallowed: bool  # under a robots.txt Disallow: a polite crawl never fetches it

    @property
    def body(self) -> str:
        """The article text without the lede, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path


def _credited_publisher(kind: str) -> str | None:
    """Syndicated copies carry "This story originally appeared on <publisher> ..."."""
    return PUBLISHER_OF_ORIGINAL if kind == "syndicated" else None


def pages(web: DemoWeb | None = None) -> dict[str, ExpectedPage]:
    """Every article page of ``web`` (default: the demo web as shipped), by URL path."""
    web = web if web is not None else DemoWeb()
    out: dict[str, ExpectedPage] = {}
    for story in web.stories.values():
        layout = LAYOUTS[story.site]
        path = web.path(story)
        original = web.stories[story.original] if story.original else None
        canonical = web.path(original) if original and story.canonical_to_original else path
        out[path] = ExpectedPage(
            path=path,
            site=layout.NAME,
            slug=story.slug,
            story=original.slug if original else story.slug,
            kind=story.kind,
            original=web.path(original) if original else None,
            event=story.event,
            title=story.title,
            authors=tuple(story.authors),
            published=story.published.isoformat(),
            modified=story.modified.isoformat() if story.modified else None,
            lede=story.lede,
            paragraphs=tuple(story.paragraphs),
            tags=tuple(story.tags),
            language=layout.LANG,
            canonical=canonical,
            source_credit=story.source_credit or _credited_publisher(story.kind),
            disallowed=_disallowed(layout, path),
        )
    return out


def crawlable(web: DemoWeb | None = None) -> dict[str, ExpectedPage]:
    """The article pages a polite crawl of the demo sites file must store."""
    return {path: page for path, page in pages(web).items() if not page.disallowed}


def duplicate_groups(web: DemoWeb | None = None) -> list[frozenset[str]]:
    """Paths of near-duplicates: each original with its syndicated copies (excerpts excluded:
    a teaser shares too little text to be a near-duplicate)."""
    groups: dict[str, set[str]] = {}
    for page in pages(web).values():
        if page.kind == "syndicated" and page.original:
            groups.setdefault(page.original, {page.original}).add(page.path)
    return [frozenset(group) for group in groups.values()]


def same_event_groups(web: DemoWeb | None = None) -> list[frozenset[str]]:
    """Original pages reporting the same event in their own words: distinct, not duplicates."""
    events: dict[str, set[str]] = {}
    for page in pages(web).values():
        if page.kind == "original":
            events.setdefault(page.event, set()).add(page.path)
    return [frozenset(group) for group in events.values() if len(group) > 1]


def _disallowed(layout: ModuleType, path: str) -> bool:
    return any(path.startswith(prefix) for prefix in layout.DISALLOW)
