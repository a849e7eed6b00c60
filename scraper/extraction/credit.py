"""Credit lines that name the original source of an article ("Source: TechCrunch")."""

from __future__ import annotations

import re

from ainews.scraper.extraction.text import norm, word_count
from ainews.scraper.urls import host_of

#: The lead-ins that credit another outlet, in the languages of our sources.
_LEAD_IN = (
    r"source|sources|quelle|fuente|fonte|source originale|via|courtesy(?: of)?|credit|"
    r"(?:originally|first) (?:published|posted|appeared)(?: (?:at|on|in|by))?|"
    r"this (?:article|story) (?:was )?(?:first|originally) (?:appeared|published) (?:on|in|at)|"
    r"republished from|reprinted from"
)
CREDIT_LINE = re.compile(
    rf"^\s*(?:{_LEAD_IN})\s*[:\-–—]?\s*(?P<name>[^\n;|]{{2,100}}?)\s*[.;|]?\s*$", re.I
)
#: What follows the name in longer credits: "X and is republished with permission",
#: "X, March 3, 2026", "X under a CC BY licence".
_TRAILER = re.compile(
    r"(?:\s+(?:and (?:is|was|has been) (?:re)?published|with (?:kind )?permission|"
    r"under (?:a |the )?(?:cc|creative commons|licen[cs]e))\b|"
    r",\s*(?:\d{1,2}\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
    r",\s*\d{4}-\d{2}-\d{2}).*$",
    re.I,
)
#: A real outlet name is short; longer captures are sentences that merely start alike.
MAX_NAME_WORDS = 8
#: A credit is a trailer: it sits in the last few paragraphs, not mid-article.
CREDIT_TAIL = 3


def parse_credit(line: str) -> str | None:
    """The outlet a credit line names, or None when the line is not a credit."""
    match = CREDIT_LINE.match(line)
    if not match:
        return None
    name = _TRAILER.sub("", match.group("name")).strip(" .,:;-–—")
    if not name or word_count(name) > MAX_NAME_WORDS:
        return None
    return name


#: A copyright notice: "© 2026 AFP", "(c) Reuters", "Copyright: dpa".
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.I)
#: A republication note that names no outlet the way ``CREDIT_LINE`` wants:
#: "This article was originally published by Reuters", "First published in The Conversation".
_ORIGIN = re.compile(r"\b(?:originally|first) (?:published|posted|appeared)\b|"
                     r"\b(?:republished|reprinted) (?:from|with)\b", re.I)


def own_names(url: str, site_name: str | None) -> tuple[str, ...]:
    """The site's own names, squashed ("mediaindonesia", "examplemedia"): a copyright
    line naming one of them is the site's footer, not a credit of the article."""
    host = host_of(url)
    labels = [label for label in host.split(".")[:-1] if len(label) > 2 and label != "www"]
    names = [*labels, norm(site_name or "")]
    return tuple(name.replace(" ", "") for name in names if name)


def is_credit_line(line: str, own: tuple[str, ...] = ()) -> bool:
    """A line that credits the article's origin ("Source: AFP", "Originally published on
    ...", "© Reuters 2026"): it belongs to the article, it is not a call to action. A
    copyright line naming the site itself (``own``) is the site's footer."""
    if parse_credit(line) or _ORIGIN.search(line):
        return True
    if not _COPYRIGHT.search(line):
        return False
    squashed = norm(line).replace(" ", "")
    return not any(name in squashed for name in own)
