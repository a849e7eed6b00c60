"""The demo web's state: its stories, rendered on demand into servable resources by path."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from types import ModuleType

from ainews.scraper.demo import aggregator, digest, publisher, syndicator
from ainews.scraper.demo.markup import SITE_LAUNCH, TEXT, Resource
from ainews.scraper.demo.stories import Story, load_stories

#: Layout module of each site, by the ``site`` key of ``stories.toml`` (= its path prefix).
LAYOUTS: dict[str, ModuleType] = {
    "aiwire": aggregator,
    "frontier": publisher,
    "syndicate": syndicator,
    "digest": digest,
}

ROBOTS_HEADER = "# The ainews demo web: four fictional sites under path prefixes of one host.\n"


class DemoWeb:
    """All pages of the demo sites for one base URL; tests change it with :meth:`edit_story`.

    Pages are rendered once and cached; an edit drops the cache, so the story's page, its
    feeds, sitemaps and listings all change together (new ETag, new Last-Modified).
    """

    def __init__(self, base: str = "http://127.0.0.1", stories: dict[str, Story] | None = None):
        self.base = base.rstrip("/")
        self.stories = stories if stories is not None else load_stories()
        self._lock = threading.RLock()
        self._cache: dict[str, Resource] | None = None

    def set_base(self, base: str) -> None:
        """Serve under another base URL (the server calls this once it knows its port)."""
        with self._lock:
            self.base = base.rstrip("/")
            self._cache = None

    def url(self, path: str) -> str:
        """The absolute URL of a path on this web (``/frontier/feed/`` → ``http://...``)."""
        return self.base + path

    def on(self, site: str) -> list[Story]:
        """The stories a site publishes, newest first."""
        found = [story for story in self.stories.values() if story.site == site]
        return sorted(found, key=lambda story: story.published, reverse=True)

    def first_original(self, site_name: str) -> Story:
        """The first original story (``stories.toml`` order) of the site that the sites file
        names ``site_name`` (e.g. "demo-publisher"): the one the docs and benchmarks edit."""
        return next(
            story
            for story in self.stories.values()
            if story.kind == "original" and site_name == LAYOUTS[story.site].NAME
        )

    def path(self, story: Story) -> str:
        """The URL path of a story's page."""
        return LAYOUTS[story.site].article_path(story)

    def get(self, path: str) -> Resource | None:
        """The resource at ``path`` (query string ignored), or ``None`` for a 404."""
        return self.resources().get(path.split("?", 1)[0].split("#", 1)[0])

    def resources(self) -> dict[str, Resource]:
        with self._lock:
            if self._cache is None:
                self._cache = self._render()
            return self._cache

    def edit_story(
        self,
        slug: str,
        *,
        title: str | None = None,
        lede: str | None = None,
        paragraphs: list[str] | None = None,
        modified: datetime | None = None,
    ) -> Story:
        """Change a story; ``modified`` (default: now) becomes its dateModified and lastmod."""
        with self._lock:
            story = self.stories[slug]
            if title is not None:
                story.title = title
            if lede is not None:
                story.lede = lede
            if paragraphs is not None:
                story.paragraphs = list(paragraphs)
            when = modified or datetime.now(UTC)
            if when.tzinfo is None:
                raise ValueError("modified must be timezone-aware")
            story.modified = when.replace(microsecond=0)
            self._cache = None
            return story

    def _render(self) -> dict[str, Resource]:
        resources: dict[str, Resource] = {}
        for layout in LAYOUTS.values():
            resources.update(layout.render(self))
            text = self._robots(layout.DISALLOW, layout.SITEMAPS)
            resources[f"{layout.PREFIX}robots.txt"] = Resource.make(text, TEXT, SITE_LAUNCH)
        # Crawlers only read /robots.txt: one group with every site's rules (some parsers
        # honour only the first group for a user agent).
        disallow = [path for layout in LAYOUTS.values() for path in layout.DISALLOW]
        sitemaps = [path for layout in LAYOUTS.values() for path in layout.SITEMAPS]
        text = ROBOTS_HEADER + self._robots(disallow, sitemaps)
        resources["/robots.txt"] = Resource.make(text, TEXT, SITE_LAUNCH)
        return resources

    def _robots(self, disallow: Iterable[str], sitemaps: Iterable[str]) -> str:
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow), ""]
        lines += [f"Sitemap: {self.url(path)}" for path in sitemaps]
        return "\n".join(lines) + "\n"
