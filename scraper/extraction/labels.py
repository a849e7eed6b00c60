"""Metadata a page shows as plain text rather than markup: labelled fields and name lines.

- A labelled field: "<li><strong>Author</strong> Jane Doe</li>", "<dt>Datum</dt><dd>…</dd>"
  — a short bold or term element whose text is a field label, followed by the value.
- A name line: the article text opening with a paragraph that is only a bold name
  ("<p><strong>Jane Doe</strong></p>"), the byline of print-first publishers.
Both are read only when markup (JSON-LD, meta tags, byline classes) gives nothing better.
"""

from __future__ import annotations

import re

import lxml.html

from ainews.scraper.extraction.text import fold, word_count

#: Labels of an author field, whole (after dropping a colon), in the languages we see most.
AUTHOR_LABEL = re.compile(
    r"^(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autoren|author|authors|written by|"
    r"verfasser(?:in)?|auteur|autore|text|reporter)$", re.IGNORECASE)
#: Labels of a publication date field.
DATE_LABEL = re.compile(
    r"^(?:datum|date|published|publiziert|veröffentlicht|erschienen|publié le|"
    r"fecha|data|dato)$", re.IGNORECASE)
_LABEL_TAGS = "//strong | //b | //dt | //th"
#: A field value longer than this (characters) is a sentence, not a name or a date.
MAX_VALUE_CHARS = 80
#: Paragraphs after the headline looked at for a name line: it opens the text, after at
#: most a standfirst, a picture credit and an empty spacer paragraph or two.
NAME_LINE_WINDOW = 8
#: A paragraph this long is prose: the name line comes before the first one.
PROSE_WORDS = 10
#: A name line holds one to three names of at most four words each.
MAX_NAME_LINE_WORDS = 12
_NAME_WORD = re.compile(r"^[A-ZÀ-ÞĀ-Ž][\w'’.-]*$")


def _value(label: lxml.html.HtmlElement) -> str:
    """The text after a label: its tail and following siblings, or the next <dd>/<td>."""
    if label.tag in ("dt", "th"):
        following = label.getnext()
        return fold(following.text_content()) if following is not None else ""
    parts = [label.tail or ""]
    parts += [sibling.text_content() + (sibling.tail or "") for sibling in label.itersiblings()]
    return fold(" ".join(parts)).lstrip(":").strip()


def labelled(tree: lxml.html.HtmlElement, label: re.Pattern[str]) -> list[str]:
    """Values of the fields whose label matches ``label``, in page order."""
    found = []
    for element in tree.xpath(_LABEL_TAGS):
        if label.match(fold(element.text_content()).rstrip(":").strip()):
            value = _value(element)
            if 0 < len(value) <= MAX_VALUE_CHARS:
                found.append(value)
    return found


def _is_name_line(text: str) -> bool:
    names = re.split(r"\s*(?:/|,|&|\band\b|\bund\b)\s*", text)
    return all(2 <= len(name.split()) <= 4 and all(_NAME_WORD.match(w) for w in name.split())
               for name in names)


def name_line(headline: lxml.html.HtmlElement | None) -> list[str]:
    """A bold-only paragraph of names opening the text after ``headline``, as one string.

    Only paragraphs before the first prose paragraph count, so a bold subheading in
    Title Case ("The Big Picture") is never read as a name.
    """
    if headline is None:
        return []
    for p in headline.xpath(f"following::p[position() <= {NAME_LINE_WINDOW}]"):
        text = fold(p.text_content())
        if word_count(text) >= PROSE_WORDS:
            return []  # the text has begun: a bold line further down is a subheading
        bold = fold(" ".join(b.text_content() for b in p.xpath(".//strong | .//b")))
        if (bold == text and len(text.split()) <= MAX_NAME_LINE_WORDS
                and _is_name_line(text)):
            return [text]
    return []
