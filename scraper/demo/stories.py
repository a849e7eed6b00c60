"""The demo web's stories: loaded from ``stories.toml``, copies and excerpts derived from them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

STORIES_FILE = Path(__file__).with_name("stories.toml")

#: The demo sites, by path prefix (``/aiwire/`` ...), as ``stories.toml`` names them.
SITES = ("aiwire", "frontier", "syndicate", "digest")

Kind = Literal["original", "syndicated", "excerpt"]

#: What the syndicator's copy desk does to typographic quotes.
STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass
class Story:
    """One article page's content. ``original`` is the source story's slug for copies/excerpts."""

    slug: str
    site: str
    title: str
    authors: list[str]
    published: datetime
    lede: str
    paragraphs: list[str]
    event: str
    tags: list[str] = field(default_factory=list)
    modified: datetime | None = None
    source_credit: str | None = None
    private: bool = False
    kind: Kind = "original"
    original: str | None = None
    page_id: int | None = None
    update_note: str | None = None
    canonical_to_original: bool = False

    @property
    def updated(self) -> datetime:
        """When the page last changed: ``modified`` if set, else ``published``."""
        return self.modified or self.published

    @property
    def word_count(self) -> int:
        return sum(len(text.split()) for text in (self.lede, *self.paragraphs))


def load_stories(path: Path = STORIES_FILE) -> dict[str, Story]:
    """All stories by slug, originals first, then syndicated copies and excerpts."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    stories: dict[str, Story] = {}
    for entry in data.get("story", []):
        _add(stories, _original(entry))
    for entry in data.get("syndication", []):
        _add(stories, syndicate(stories[entry["original"]], entry))
    for entry in data.get("excerpt", []):
        _add(stories, excerpt(stories[entry["original"]], entry))
    return stories


def _add(stories: dict[str, Story], story: Story) -> None:
    if story.slug in stories:
        raise ValueError(f"duplicate story slug {story.slug!r}")
    if story.site not in SITES:
        raise ValueError(f"story {story.slug!r}: unknown site {story.site!r}")
    stories[story.slug] = story


def _original(entry: dict[str, Any]) -> Story:
    return Story(
        slug=entry["slug"],
        site=entry["site"],
        title=entry["title"],
        authors=list(entry["authors"]),
        published=entry["published"],
        modified=entry.get("modified"),
        lede=entry["lede"],
        paragraphs=list(entry["paragraphs"]),
        event=entry["event"],
        tags=list(entry.get("tags", [])),
        source_credit=entry.get("source_credit"),
        private=entry.get("private", False),
        page_id=entry.get("page_id"),
    )


def syndicate(original: Story, edits: dict[str, Any]) -> Story:
    """The syndicator's edited copy of ``original`` (see the ``[[syndication]]`` comment)."""
    paragraphs = list(original.paragraphs)
    for old, new in edits.get("replace", []):
        hits = [i for i, text in enumerate(paragraphs) if old in text]
        if not hits:
            raise ValueError(f"syndication {edits['slug']!r}: {old!r} not in the original")
        paragraphs[hits[0]] = paragraphs[hits[0]].replace(old, new, 1)
    if "drop" in edits:
        del paragraphs[edits["drop"]]
    if "add" in edits:
        paragraphs.insert(edits["add_at"], edits["add"])
    straight = [text.translate(STRAIGHT_QUOTES) for text in paragraphs]
    return replace(
        original,
        slug=edits["slug"],
        site="syndicate",
        title=edits["title"].translate(STRAIGHT_QUOTES),
        lede=edits["lede"].translate(STRAIGHT_QUOTES),
        paragraphs=straight,
        published=edits["published"],
        modified=edits.get("modified"),
        tags=list(original.tags),
        authors=list(original.authors),
        kind="syndicated",
        original=original.slug,
        page_id=edits["page_id"],
        update_note=edits.get("update_note"),
        canonical_to_original=edits.get("canonical_to_original", False),
    )


def excerpt(original: Story, entry: dict[str, Any]) -> Story:
    """The digest's teaser of ``original``: its lede and first ``paragraphs`` paragraphs."""
    return replace(
        original,
        slug=entry["slug"],
        site="digest",
        paragraphs=original.paragraphs[: entry["paragraphs"]],
        published=entry["published"],
        modified=None,
        authors=list(original.authors),
        tags=list(original.tags),
        kind="excerpt",
        original=original.slug,
    )
