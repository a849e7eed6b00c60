"""The publisher name of an article whose page does not say (``articles.site_name``).

Filled at write time from the sites file: the site's ``site_name`` key where it has one,
else a readable form of its ``name`` (``demo-publisher`` → ``Demo Publisher``).
"""

from __future__ import annotations

from typing import Any

from ainews.scraper.article import Article

#: Words of site names written in capitals (``techcrunch-ai`` → ``Techcrunch AI``).
ACRONYMS = frozenset({"ai", "ml", "llm", "nlp", "it", "tv", "uk", "us", "eu", "mit", "ieee"})


def readable_name(name: str) -> str:
    """``the-decoder`` → ``The Decoder``; acronyms in capitals."""
    words = [w for w in name.replace("_", "-").split("-") if w]
    return " ".join(w.upper() if w in ACRONYMS else w.capitalize() for w in words)


def site_label(site: Any) -> str:
    """The name to show for a sites-file ``Site``: its ``site_name``, else its name made
    readable."""
    return getattr(site, "site_name", None) or readable_name(site.name)


def fill_site_name(article: Article, configured: str | None = None) -> Article:
    """Give ``article`` a ``site_name`` when its page named none: ``configured`` (the
    site's ``site_name`` in the sites file), else ``article.site`` made readable."""
    if not article.site_name:
        fallback = readable_name(article.site) if article.site else None
        article.site_name = configured or fallback
    return article
