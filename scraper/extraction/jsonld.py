"""The article's schema.org description from the page's JSON-LD blocks.

Handles ``@graph`` containers, top-level lists, nested ``mainEntity`` objects and ``@id``
references (Yoast-style graphs point from the article to a separate ``Person`` node).
Reads the tree only; never raises on broken JSON.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

#: schema.org types that describe one article. ``WebPage`` kinds are only a fallback:
#: they often carry the dates but also describe section fronts.
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "liveblogposting", "techarticle", "scholarlyarticle", "report",
    "socialmediaposting", "posting", "satiricalarticle", "advertisercontentarticle",
    "claimreview",  # a fact-check page: its node carries the dates
})
PAGE_TYPES = frozenset({"webpage", "itempage", "medicalwebpage", "collectionpage"})
ORG_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "newsmedia"})

#: Trailing commas and raw control characters are the usual hand-written-JSON faults.
_TRAILING_COMMA = re.compile(r",\s*([\]}])")
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$")


@dataclass
class Person:
    """An author as JSON-LD gives it; ``is_org`` when its type is an organisation."""

    name: str
    is_org: bool = False


@dataclass
class LdArticle:
    headlines: list[str] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    description: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    publisher: str | None = None
    based_on: str | None = None  # isBasedOn / sourceOrganization name


def _loads(text: str) -> Any:
    text = _WRAPPER.sub("", text.strip())
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested ~1,000 deep
            continue
    return None


def _walk(data: Any, depth: int = 0) -> Iterator[dict]:
    """Every dict with an ``@type`` inside ``data`` (graphs, lists, nested entities)."""
    if depth > 6:  # real graphs are shallow; this bounds hostile or cyclic-looking input
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "itemListElement", "hasPart"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _types(node: dict) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _text(value: Any, depth: int = 0) -> str | None:
    if isinstance(value, list):
        if depth > 6:  # lists nested hundreds deep: a RecursionError otherwise
            return None
        value = next((v for v in value
                      if isinstance(v, str | int | float) or _text(v, depth + 1)), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("text")
    if isinstance(value, str | int | float) and str(value).strip():
        # Some CMSs HTML-escape inside JSON ("Kohberger&#8217;s").
        return html.unescape(str(value)).strip()
    return None


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [text for v in values if (text := _text(v))]


def _person(value: Any, ids: dict[str, dict]) -> Person | None:
    if isinstance(value, str):
        return Person(value.strip()) if value.strip() else None
    if not isinstance(value, dict):
        return None
    if set(value) <= {"@id", "@type"} and value.get("@id") in ids:
        value = ids[value["@id"]]
    name = _text(value.get("name"))
    if not name:
        parts = [_text(value.get(k)) for k in ("givenName", "additionalName", "familyName")]
        name = " ".join(p for p in parts if p) or None
    if not name:
        return None
    return Person(name, bool(_types(value) & ORG_TYPES))


def _score(node: dict, page_url: str) -> tuple[int, int, int]:
    """Prefer article types, then the node about this URL, then the richest node."""
    types = _types(node)
    own = _text(node.get("url")) or _text(node.get("mainEntityOfPage")) or ""
    if isinstance(node.get("mainEntityOfPage"), dict):
        own = node["mainEntityOfPage"].get("@id") or own
    same = bool(own) and own.rstrip("/").split("://")[-1] == page_url.rstrip("/").split("://")[-1]
    fields = sum(1 for k in ("headline", "author", "datePublished", "articleBody") if k in node)
    return (2 if types & ARTICLE_TYPES else 1 if types & PAGE_TYPES else 0, same, fields)


def blocks(tree: lxml.html.HtmlElement) -> list[Any]:
    """The parsed JSON of every ``application/ld+json`` script (broken ones skipped)."""
    found = []
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or "").lower() and script.text:
            data = _loads(script.text)
            if data is not None:
                found.append(data)
    return found


def read_article(tree: lxml.html.HtmlElement, url: str) -> LdArticle:
    """The article node's fields; empty when the page has no article-like JSON-LD."""
    blocks_found = blocks(tree)
    nodes = [node for data in blocks_found for node in _walk(data)]
    ids = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    ranked = sorted(
        (n for n in nodes if _types(n) & (ARTICLE_TYPES | PAGE_TYPES)),
        key=lambda n: _score(n, url), reverse=True,
    )
    result = LdArticle()
    if not ranked:
        _typeless_dates(blocks_found, result)
        return result
    best = ranked[0]
    # Page nodes may carry dates the article node omits; other article nodes are
    # related stories, not this one.
    for node in [best] + [n for n in ranked if _types(n) & PAGE_TYPES and n is not best]:
        result.headlines += _texts(node.get("headline")) or (
            _texts(node.get("name")) if node is best else [])
        result.published += _texts(node.get("datePublished")) + _texts(node.get("dateCreated"))
        result.modified += _texts(node.get("dateModified"))
    authors = best.get("author") or best.get("creator")
    for value in authors if isinstance(authors, list) else [authors]:
        if person := _person(value, ids):
            result.authors.append(person)
    _describe(best, ids, result)
    return result


def _typeless_dates(found: list[Any], result: LdArticle) -> None:
    """The dates of the first top-level node with no ``@type`` that dates a page with
    ``pubDate``/``upDate``: the vocabulary search engines' publisher programmes in China
    ask for, where schema.org's ``datePublished`` is absent. Its ``@id`` is often the
    mobile twin of the page's URL, so it is not compared."""
    for data in found:
        for node in data if isinstance(data, list) else [data]:
            if not isinstance(node, dict) or "@type" in node or "pubDate" not in node:
                continue
            result.published += _texts(node.get("pubDate"))
            result.modified += _texts(node.get("upDate"))
            return


def _describe(node: dict, ids: dict[str, dict], result: LdArticle) -> None:
    result.description = _text(node.get("description"))
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    result.keywords = [k for k in _texts(keywords) if k]
    result.language = _text(node.get("inLanguage"))
    main = node.get("mainEntityOfPage")
    result.url = _text(node.get("url")) or (
        main.get("@id") if isinstance(main, dict) else _text(main))
    publisher = node.get("publisher")
    if isinstance(publisher, dict) and set(publisher) <= {"@id", "@type"}:
        publisher = ids.get(publisher.get("@id"), publisher)
    result.publisher = _text(publisher)
    for key in ("isBasedOn", "sourceOrganization", "isBasedOnUrl"):
        value = node.get(key)
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            value = ids.get(value.get("@id"), value)
        if name := _text(value):
            result.based_on = name
            break
