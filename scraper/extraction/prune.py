"""Pruning: remove boilerplate blocks from a copy of the page before trafilatura picks the
article, and never the article itself.

A block is boilerplate by its tag (forms, navigation, asides, ...), by a class/id name that
is a boilerplate word ("comments", "related-posts"), by being hidden, as a list of
links to other pages (every item a link, most of its text linked), or as a block of
teasers (three or more items, each under a headline linking to another page). Two guards keep
the article:
- a block holding a large share of the page's text, in <p>s or not, is kept whatever its
  tag or class says (a ``<form>`` wrapping the page, ``<div class="post has-comments">``);
- inside the article container (``<article>``, ``itemprop=articleBody``), content hidden
  by an inline style is kept (slideshows and paywalled parts a script reveals), and a
  kept block is made a plain visible ``<div>``: trafilatura drops <aside>/<form> and
  ``display:none`` itself. Outside it, a large <aside> is a sidebar, not the article.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.etree
import lxml.html

from ainews.scraper.extraction.tails import (
    drop_heading_permalinks,
    keep_leading_text,
    keep_tails,
    unwrap_section_headers,
)

#: Words that, heading a class/id name, mark a block that is never article text.
_WORDS = frozenset((
    "share", "sharing", "sharebar", "social", "socials", "newsletter", "subscribe",
    "subscription", "signup", "related", "recommended", "recirc", "similar", "comment",
    "comments", "disqus", "promo", "promoted", "sponsored", "advert", "advertisement", "ad",
    "ads", "adslot", "popup", "modal", "cookie", "consent", "tooltip", "rollover",
    "hovercard", "breadcrumb", "breadcrumbs", "sidebar", "footer", "navbar", "nav", "menu",
    "toolbar", "outbrain", "taboola",
    "caption", "captions", "figcaption",  # picture captions: the article goes on without them
    "infobox", "factbox",  # a box of background facts beside the text, as a sidebar is
    # lists of other articles ranked by readers: "most-read", "mostPopular", "trending"
    "most", "mostread", "mostpopular", "mostviewed", "popular", "trending",
))
#: Words that also end a two-word name of a page region ("site-footer", "post-comments").
#: Not "menu", "caption", "comment": "tab-menu", "item-caption", "live-comment" are
#: parts of articles as often as not.
_REGION_WORDS = _WORDS - {"menu", "caption", "captions", "comment"}
#: A name of up to three words ending with a region word names that region too
#: ("inline-article-recirc", "single-post-related"); a longer one is a description.
_REGION_PARTS = 3
#: Any of the words between separators: a cheap test that rules out most elements before
#: their names are split.
_ANY_WORD = re.compile(rf"(?:^|[\s_-])(?:{'|'.join(sorted(_WORDS))})(?:$|[\s_-])", re.I)
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_LISTS = frozenset(("ul", "ol"))
#: A BEM modifier ("block--ads", "teaser--sponsored") styles a block, it does not say
#: what the block is: the part from "--" on is not read.
_MODIFIER = re.compile(r"--.*$")
#: Elements never part of an article body.
_DROP_TAGS = ("form", "nav", "footer", "aside", "button", "select", "textarea", "iframe",
              "figcaption")
#: Tags trafilatura discards with their text (its ``MANUALLY_CLEANED``): a block of ours
#: kept for its text is renamed to <div> so that trafilatura reads it.
_DISCARDED_TAGS = frozenset(("form", "aside", "footer", "nav", "menu"))
#: A link wrapping a paragraph or a heading is a teaser card for another article
#: (headline + summary); article paragraphs hold links, they are not inside one.
_CARD_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
#: A class made of more words than this is a slug of the text it labels
#: ("zendaya-promoted-dune-part-two-in-london"), not a style name: BEM names such as
#: "site-footer__product-cards__343G1" have up to five parts.
_MAX_CLASS_PARTS = 6
_SLUG_PARTS = re.compile(r"[-_]+")
#: A camelCase hump ("inlineSignup", "FooterNavigation", "shareModal"): a word boundary,
#: as "-" is (half the benchmark pages name blocks so, React and CSS-module templates).
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _humps(name: str) -> str:
    """``name`` with its camelCase humps split by "-" ("inline-Signup")."""
    return name if name.islower() else _CAMEL.sub("-", name)


#: Phrasing elements: one inside a sentence carries words of that sentence.
_INLINE = frozenset(("a", "span", "em", "strong", "b", "i", "abbr", "dfn", "cite", "q",
                     "mark", "small", "u", "font"))
#: Text before an inline element that a sentence goes on from: a word, perhaps a comma or
#: an opening quote; not a full stop (a label or button after a sentence).
_SENTENCE_BEFORE = re.compile(r"\w[\s,;:(\"'\u201c\u2018]*$")
#: Text after it that goes on with a word, perhaps after punctuation.
_SENTENCE_AFTER = re.compile(r"[\s,.;:!?)\"'\u201d\u2019-]*\w")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
#: Utility classes that hide a block from the eye (browser warnings, screen-reader hints).
#: Not "d-none" or "is-hidden": a layout shows them again on wide screens or on a click.
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:u-hide|sr-only|visually-hidden|visuallyhidden|"
                           r"screen-reader-text)(?:$|\s)")
#: A block holding more than this share of the page's text is the article (or its
#: wrapper) whatever its tag or class says, e.g. <div class="post has-comments">.
MAX_PRUNED_SHARE = 0.3
#: Elements whose text is code or data, not something a reader sees.
_NOT_TEXT = ("script", "style", "template")


def text_chars(el: lxml.html.HtmlElement) -> int:
    """Characters of all the text in ``el``, not only in its <p>s (scripts and styles are
    stripped before this is asked)."""
    return len(el.text_content())


def paragraph_chars(el: lxml.html.HtmlElement) -> int:
    """Characters of the text in the <p>s of ``el``."""
    return sum(len(p.text_content()) for p in el.iter("p"))


def _segments(name: str) -> list[list[str]]:
    """The parts of each BEM segment of a class name ("c-article__related-posts" →
    [["article"], ["related", "posts"]]), its modifier ("--ads") and a short namespace
    prefix ("c-", "js-") left out."""
    out = []
    for segment in _MODIFIER.sub("", name.lower()).split("__"):
        parts = [part for part in _SLUG_PARTS.split(segment) if part]
        if len(parts) > 1 and len(parts[0]) <= 2 and parts[0] not in _WORDS:
            parts = parts[1:]
        if parts:
            out.append(parts)
    return out


@lru_cache(maxsize=4096)
def boilerplate_name(name: str) -> bool:
    """A class/id name that says its block is boilerplate: a segment that starts with a
    boilerplate word ("comments", "related-posts", "ad__slot") or is two words ending
    with a region word ("site-footer", "post-comments"). Not a modifier ("block--ads"),
    not a word deep in a longer name ("live-blog-comment", "has-sidebar-layout"), not
    "item-caption" or "tab-menu" (a caption, a menu of tabs: often article parts)."""
    if len(_SLUG_PARTS.split(name)) > _MAX_CLASS_PARTS:
        return False
    names = (name,) if name.islower() else (name, _humps(name))  # "infoBox", "info-Box"
    return any(parts[0] in _WORDS or (2 <= len(parts) <= _REGION_PARTS
                                      and parts[-1] in _REGION_WORDS)
               for form in names for parts in _segments(form))


_SEPARATORS = str.maketrans("_-", "  ")


def _words_in(names: str) -> bool:
    """``_ANY_WORD.search(names)``, 10x faster on the ASCII names nearly every page uses:
    a set lookup of the parts between separators (the regular expression with 50
    alternatives was the walk's main cost)."""
    if names.isascii():
        return not _WORDS.isdisjoint(names.lower().translate(_SEPARATORS).split())
    return _ANY_WORD.search(names) is not None


def _any_word(names: str) -> bool:
    """A boilerplate word between separators or camelCase humps of ``names``."""
    return _words_in(names) or (not names.islower() and _words_in(_humps(names)))


#: Pages repeat their class attributes: these two tests are cached by its value.
_class_any_word = lru_cache(maxsize=8192)(_any_word)


@lru_cache(maxsize=8192)
def _hidden_class(cls: str) -> bool:
    return bool(_HIDDEN_CLASS.search(cls))


def _has_boilerplate_name(el: lxml.html.HtmlElement, tag: str, cls: str | None) -> bool:
    ident = el.get("id")
    if not ((cls and _class_any_word(cls)) or (ident and _any_word(ident))):
        return False
    if not any(boilerplate_name(n) for n in f"{cls or ''} {ident or ''}".split()):
        return False
    if tag in _INLINE and _inside_sentence(el):
        return False  # a glossary note or tooltip link: its words are the sentence's
    # a sub-heading's anchor ("nav_..."): article text, whatever its class
    return tag not in _HEADINGS and not any(a.tag in _HEADINGS for a in el.iterancestors())


def _inside_sentence(el: lxml.html.HtmlElement) -> bool:
    """A sentence runs through ``el``: the text after it goes on in lower case ("<a
    class="popup">I</a> am a man"), or the text before it ends in a word (no full stop)
    and the text after goes on with words ("a <a class="tooltip">rather elderly</a> man,")."""
    after = (el.tail or "").lstrip()
    if after[:1].islower():
        return True
    previous, parent = el.getprevious(), el.getparent()
    before = (previous.tail if previous is not None
              else parent.text if parent is not None else None) or ""
    return bool(_SENTENCE_BEFORE.search(before) and _SENTENCE_AFTER.match(after))


def _hidden_by_style(el: lxml.html.HtmlElement) -> bool:
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def is_boilerplate(el: lxml.html.HtmlElement) -> bool:
    """Boilerplate by tag, hidden, as a teaser card, a list of links or by a class/id
    name."""
    return _is_boilerplate(el, el.tag, _hidden_by_style(el))


def _is_boilerplate(el: lxml.html.HtmlElement, tag: str, hidden_by_style: bool) -> bool:
    """:func:`is_boilerplate` of ``el``, whose tag the caller read (lxml makes a new
    string each time ``.tag`` is read, and the walk asks ~300 elements a page)."""
    cls = el.get("class")
    if hidden_by_style or tag in _DROP_TAGS or el.get("hidden") is not None \
            or (cls and _hidden_class(cls)):
        return True
    # a teaser card; an in-page anchor (href="#part-2") may wrap a section heading
    if tag == "a" and (el.get("href") or "#")[:1] != "#" and any(
            True for _ in el.iter(*_CARD_BLOCKS)):
        return True
    if tag in _LISTS and _is_link_list(el):
        return True
    return _has_boilerplate_name(el, tag, cls)


#: A list of links to other articles ("Read more", a series' parts): every item a link and
#: most of the list's text in them; a list of the article's points holds a link or two.
_LINK_LIST_ITEMS = 3
#: Share of a link list's characters in its links: "Razie v Praze | Razie v Říčanech"
#: after a label of a few words is half links; a list of points with links, far less.
_LINK_LIST_SHARE = 0.45


def _is_link_list(el: lxml.html.HtmlElement) -> bool:
    """``el`` (a <ul>/<ol>) is a list of links: at least three items, each with a link,
    and most of its text linked."""
    items = [li for li in el if li.tag == "li"]
    if len(items) < _LINK_LIST_ITEMS or not all(
            any(True for _ in li.iter("a")) for li in items):
        return False
    text = len("".join(el.text_content().split()))
    linked = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
    return text > 0 and linked >= _LINK_LIST_SHARE * text


def prune_boilerplate(root: lxml.html.HtmlElement) -> int:
    """Remove boilerplate blocks from ``root`` in place (the caller passes a copy).

    Returns the characters in the page's <p>s before pruning: what the article text is
    compared with to judge whether it looks short (``choose.py``)."""
    # trafilatura expects a tree parsed without comments: comment nodes derail its scoring
    lxml.etree.strip_elements(root, lxml.etree.Comment, lxml.etree.ProcessingInstruction,
                              *_NOT_TEXT, with_tail=False)
    body = root.find("body")
    if body is None:
        return 0
    total_prose = paragraph_chars(body) or 1
    total_text: list[int] = []  # all the page's text, counted only when a block is large

    def small(el: lxml.html.HtmlElement) -> bool:
        """``el`` holds at most MAX_PRUNED_SHARE of the page's <p> text and of all its text
        (the <p> text is part of all the text: most blocks pass without counting that)."""
        if paragraph_chars(el) > MAX_PRUNED_SHARE * total_prose:
            return False
        chars = text_chars(el)
        if chars <= MAX_PRUNED_SHARE * total_prose:
            return True
        if not total_text:
            total_text.append(text_chars(body))
        return chars <= MAX_PRUNED_SHARE * total_text[0]

    doomed, kept = [], []
    # in document order, not into a doomed block: its descendants go with it (two thirds
    # of a page's elements are inside the blocks removed). lxml's iteration costs a few
    # times less per element than a Python stack of each element's children did, so the
    # walk passes over all elements and, after a doomed block, over its descendants until
    # the first element after the block (None: the block ends the page).
    elements = body.iter(lxml.etree.Element)  # elements only: no comments, PIs, entities
    next(elements)  # the body itself
    skipping, resume = False, None
    for el in elements:
        if skipping:
            if el is not resume:
                continue
            skipping = False
        tag = el.tag
        if tag != "article" and tag != "main":
            hidden = _hidden_by_style(el)
            if hidden and _in_article(el):
                _reveal(el)  # hidden inside the article: a slideshow, a paywalled part
                hidden = _hidden_by_style(el)
                tag = el.tag
            if _is_boilerplate(el, tag, hidden):
                # the article is in <p>s or not: a block holding a large share of either
                # is kept
                if small(el):
                    doomed.append(el)
                    skipping, resume = True, _next_element(el)
                    continue
                if _in_article(el):
                    kept.append(el)
    for el in kept:
        _reveal(el)
    doomed += [group for group in _teaser_groups(body) if small(group)]
    for el in doomed:
        el = _outermost_wrapper(el, body)
        parent = el.getparent()
        if parent is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent
    drop_heading_permalinks(body)
    unwrap_section_headers(body)
    keep_tails(body)
    keep_leading_text(body)
    return total_prose


#: Items in a block of teasers: a heading linking to another article, then its summary.
_TEASER_ITEMS = 3


def _is_teaser_heading(h: lxml.html.HtmlElement) -> bool:
    """A heading whose text is mostly a link to another page (a kicker may precede it)."""
    text = len("".join(h.text_content().split()))
    linked = sum(len("".join(a.text_content().split())) for a in h.iter("a")
                 if (a.get("href") or "#")[:1] != "#")
    return text > 0 and linked * 2 >= text


def _teaser_groups(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Blocks of at least three items, each item an element of its own holding a teaser
    heading ("Other columns": headline link + summary, repeated). A list of sections in
    the article has its headings side by side in one block, so it is never one."""
    items: dict[lxml.html.HtmlElement, set] = {}
    for h in body.iter("h2", "h3", "h4", "h5", "h6"):
        item = h.getparent()
        group = item.getparent() if item is not None else None
        if group is not None and item is not body and _is_teaser_heading(h):
            items.setdefault(group, set()).add(item)
    return [group for group, found in items.items()
            if len(found) >= _TEASER_ITEMS and group is not body]


def _next_element(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The first element after ``el`` and its descendants in document order, or None."""
    node = el
    while node is not None:
        after = next(node.itersiblings(lxml.etree.Element), None)
        if after is not None:
            return after
        node = node.getparent()
    return None


def _in_article(el: lxml.html.HtmlElement) -> bool:
    """``el`` is inside an article container, as the markup names it (<article>,
    ``itemprop=articleBody``); asked of few elements, so no lookup of the whole tree."""
    return any(a.tag == "article" or a.get("itemprop") == "articleBody"
               for a in el.iterancestors())


def _reveal(el: lxml.html.HtmlElement) -> None:
    """Make a block kept for its text readable to trafilatura: a plain, visible <div>."""
    if el.tag in _DISCARDED_TAGS:
        el.tag = "div"
    if _hidden_by_style(el):
        el.set("style", _HIDDEN_STYLE.sub("", el.get("style")))


def _outermost_wrapper(el: lxml.html.HtmlElement,
                       body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """``el``, or its outermost ancestor that holds nothing else: removing a teaser card
    must not leave an empty <article> behind, which extractors take for the article."""
    parent = el.getparent()
    while (parent is not None and parent is not body and len(parent) == 1
           and not (parent.text or "").strip() and not (el.tail or "").strip()):
        el, parent = parent, parent.getparent()
    return el
