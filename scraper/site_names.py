"""The publisher name of an article whose page does not say (``articles.site_name``).

Filled at write time from the sites file: the site's ``site_name`` key where it has one,
else a readable form of its ``name`` (``demo-publisher`` → ``Demo Publisher``).
"""

from __future__ import annotations

from typing import Any

from scraper.article import Article

#: Words of site names written in capitals (``techcrunch-ai`` → ``Techcrunch AI``).
ACRONYMS = frozenset({"ai", "ml", "llm", "nlp", "it", "tv", "uk", "us", "eu", "mit", "ieee"})


def readable_name(name: str) -> str:
    """``the-decoder`` → ``The Decoder``; acronyms in capitals."""
    words = [w for w in name.replace("_", "-").split("-") if w]
    return " ".join(w.upper() if w in ACRONYMS else w.capitalize() for w in words)


def site_label(site: Any) -> str | None:
    """The name to show for ``site`` (a sites-file ``Site`` or its name)."""
    if site is None:
        return None
    configured = getattr(site, "site_name", None)
    name = site if isinstance(site, str) else getattr(site, "name", None)
    return configured or (readable_name(name) if name else None)


def fill_site_name(article: Article, site: Any = None) -> Article:
    """Give ``article`` a ``site_name`` when its page named none: from ``site`` (a
    ``Site``, or a site name; default ``article.site``). Returns the article."""
    if not article.site_name:
        article.site_name = site_label(site if site is not None else article.site)
    return article
