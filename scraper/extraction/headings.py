"""Section headings: put back the <h2>–<h4> an extraction lost between two of its paragraphs;
and the other lines the page marks up apart from its text: its displayed headline, the
captions under its pictures, its pull quotes.

trafilatura's fallback for pages it cannot frame keeps only paragraphs, so the article's
section headings ("Darum wartet Kiew ab") go missing although a reader sees them as part
of the text. A heading is put back only where the page shows it between two paragraphs
that follow each other in the extraction: it then sits inside the article, never in a
sidebar or a teaser list.
"""

from __future__ import annotations

import re
from itertools import islice

import lxml.html

from ainews.scraper.extraction.paragraphs import is_picture_credit
from ainews.scraper.extraction.tails import is_permalink
from ainews.scraper.extraction.text import WORD, norm, word_count

_HEADINGS = ("h2", "h3", "h4")
#: A section heading is a short line; a longer "heading" is a teaser or a pull quote.
_MAX_HEADING_WORDS = 20


def _is_link(el: lxml.html.HtmlElement) -> bool:
    """A heading that is a link is a teaser's title, not a section of this article (its
    permalink into the page is not such a link)."""
    return (any(not is_permalink(a) for a in el.iter("a"))
            or any(a.tag == "a" for a in el.iterancestors()))


def _headings_between_paragraphs(root: lxml.html.HtmlElement) -> list[tuple[str, str, str]]:
    """``(previous paragraph, heading, next paragraph)`` of headings that sit among the
    paragraphs of one block (same parent element), in document order, normalised.

    The paragraphs are those of the heading's own block: a box nested between them (a
    related-links box, an ad slot with a line of text) does not hide the heading."""
    found: list[tuple[str, str, str]] = []
    last: dict[lxml.html.HtmlElement, lxml.html.HtmlElement] = {}  # block -> its last <p>
    pending: dict[lxml.html.HtmlElement, list[lxml.html.HtmlElement]] = {}
    for el in root.iter("p", *_HEADINGS):
        if not WORD.search(el.text_content()):
            continue  # a spacer <p>&nbsp;</p> is neither a paragraph nor a heading
        parent = el.getparent()
        if el.tag != "p":
            if parent in last and not _is_link(el):  # only after a paragraph of its block
                pending.setdefault(parent, []).append(el)
            continue
        if heads := pending.pop(parent, None):
            before, after = norm(last[parent].text_content()), norm(el.text_content())
            found.extend((before, norm(h.text_content()), after) for h in heads)
        last[parent] = el
    return found


def restore_headings(root: lxml.html.HtmlElement, paragraphs: list[str]) -> list[str]:
    """``paragraphs`` with the page's section headings put back where they belong."""
    keys = [norm(p) for p in paragraphs]
    position = {key: i for i, key in enumerate(keys)}
    present = set(keys)
    inserts: dict[int, list[str]] = {}
    for before, head, after in _headings_between_paragraphs(root):
        i = position.get(before)
        if (i is None or i + 1 >= len(keys) or keys[i + 1] != after or head in present
                or word_count(head) > _MAX_HEADING_WORDS):
            continue
        inserts.setdefault(i + 1, []).append(head)
        present.add(head)
    if not inserts:
        return paragraphs
    originals = {norm(el.text_content()): " ".join(el.text_content().split())
                 for el in root.iter(*_HEADINGS)}
    out = []
    for i, p in enumerate(paragraphs):
        out.extend(originals[h] for h in inserts.get(i, []))
        out.append(p)
    return out


#: Headlines looked at: a page shows its article's headline in its first <h1> or two; a
#: page that makes every teaser an <h1> gives nothing more from its twentieth.
_MAX_HEADLINES = 3


def page_headlines(root: lxml.html.HtmlElement) -> tuple[str, ...]:
    """The texts of the page's first <h1> elements: the headline as the page shows it,
    with its kicker, which the title of its metadata often words differently."""
    texts = (" ".join(h1.text_content().split()) for h1 in root.iter("h1"))
    return tuple(islice((t for t in texts if t), _MAX_HEADLINES))


#: Elements of a caption paragraph: its italic text, the picture, a line break.
_CAPTION_PARTS = frozenset(("em", "i", "img", "picture", "br"))
_PICTURES = ("img", "picture", "figure")
#: A caption is a line or two; a longer italic paragraph is a quote or an editor's note.
_CAPTION_MAX_WORDS = 30


def picture_captions(root: lxml.html.HtmlElement) -> frozenset[str]:
    """Normalised texts of the paragraphs all in italics right under a picture (the
    picture in the paragraph or just before it): the captions of blogs and WordPress
    pages, which mark them with no class. Read from the page rather than pruned from it:
    removing a paragraph can change which block trafilatura takes for the article."""
    found, boxed = set(), set()
    for p in root.iter("p"):
        if _is_picture_caption(p):
            found.add(norm(p.text_content()))
        elif _is_picture_box_text(p):
            boxed.add(p)
    if boxed:  # a caption that repeats a paragraph of the text leaves the paragraph be
        text = {norm(p.text_content()) for p in root.iter("p") if p not in boxed}
        found.update(key for key in map(norm, (p.text_content() for p in boxed))
                     if key not in text)
    return frozenset(found)


def _is_picture_caption(p: lxml.html.HtmlElement) -> bool:
    if (p.text or "").strip() or not len(p) or any(
            (isinstance(child.tag, str) and child.tag not in _CAPTION_PARTS)
            or (child.tail or "").strip() for child in p):
        return False  # a comment among the parts is no text
    before = p.getprevious()
    pictured = any(True for _ in p.iter(*_PICTURES)) or (before is not None and (
        before.tag in _PICTURES or any(True for _ in before.iter(*_PICTURES))))
    return pictured and 0 < word_count(p.text_content()) <= _CAPTION_MAX_WORDS


#: Levels climbed from a paragraph to the box that holds it with its picture.
_BOX_LEVELS = 3
#: Blocks that are not a picture's box: the article, and a quote (a reader's review with
#: its photo).
_NOT_BOXES = frozenset(("body", "article", "main", "blockquote"))
#: A picture's box holds the picture, its caption, a credit: a block of more elements is
#: a part of the page (and not looked into: this is asked of every paragraph).
_BOX_CHILDREN = 4
#: A caption in a picture box may run to three sentences (who is who in a group photo).
_BOX_CAPTION_MAX_WORDS = 60


def _is_picture_box_text(p: lxml.html.HtmlElement) -> bool:
    """``p`` is the only text of a small box that also holds a picture (``<div class=
    "image-widget"><picture/><p>caption</p><p>Image: credit</p></div>``): the picture's
    caption, whatever the box is called. The article's paragraphs sit many to a block."""
    box = p  # the box first: most paragraphs sit in a block of many, the words are not read
    for _ in range(_BOX_LEVELS):
        box = box.getparent()
        if box is None or box.tag in _NOT_BOXES or len(box) > _BOX_CHILDREN:
            return False
        if any(True for _ in box.iter(*_PICTURES)):
            words = word_count(p.text_content())
            if not 0 < words <= _BOX_CAPTION_MAX_WORDS or any(True for _ in p.iter(*_PICTURES)):
                return False  # a picture inside the paragraph: the rule above
            others = [q for q in box.iter("p") if q is not p and WORD.search(q.text_content())]
            if not all(is_picture_credit(q.text_content()) for q in others):
                return False
            credits = sum(word_count(q.text_content()) for q in others)
            return word_count(box.text_content()) <= words + credits
    return False


#: The class of a pull quote: "pullquote", "pull-quote", "article__pullquote", floated
#: "pull-right"; a plain <blockquote> quotes a source, whose words the text may repeat.
_PULL = re.compile(r"pull", re.I)
#: A pull quote repeats a sentence of the text; a shorter run of words may repeat by chance.
_PULL_QUOTE_MIN_WORDS = 6


def pull_quotes(root: lxml.html.HtmlElement) -> frozenset[str]:
    """Normalised texts of the page's pull quotes: a <blockquote> its class calls a pull
    quote (or a paragraph in one) whose words a longer paragraph of the page holds, a
    sentence of the text shown a second time in large type. A quote that is a whole
    paragraph elsewhere is left to the repeats rule, and a quote said once, in the
    blockquote only, is text. Measured: the metadata benchmark's truth leaves pull quotes
    out; an unmarked <blockquote> repeating the text is kept by both benchmarks' truths."""
    quotes = {key for bq in root.iter("blockquote") if _PULL.search(bq.get("class") or "")
              for key in (norm(el.text_content()) for el in (bq, *bq.iter("p")))
              if word_count(key) >= _PULL_QUOTE_MIN_WORDS}
    if not quotes:
        return frozenset()
    texts = {norm(p.text_content()) for p in root.iter("p")
             if not any(a.tag == "blockquote" for a in p.iterancestors())}
    return frozenset(q for q in quotes
                     if q not in texts and any(q in t for t in texts if len(t) > len(q)))
