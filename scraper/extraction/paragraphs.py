"""Paragraph cleanup: lines an extractor keeps that a reader does not read as the article.

Each rule looks at one paragraph (and, for some, where it sits) and is written for any
site: the headline shown again with its kicker, link teasers and "read more" labels,
calls to action after the text, picture credits, bylines and date stamps.
"""

from __future__ import annotations

import re

from ainews.scraper.extraction.credit import CREDIT_TAIL, is_credit_line
from ainews.scraper.extraction.dates import MONTHS, ZONES, parse_date
from ainews.scraper.extraction.phrases import (
    CALL_TO_ACTION,
    CONTRIBUTORS,
    EMBED_PLACEHOLDER,
    SOURCE_LABEL,
    STAMP,
    TEASER,
    TEASER_LABEL,
    VIDEO_TEASER,
)
from ainews.scraper.extraction.text import (
    SENTENCE_ENDS,
    WORD,
    ends_with_full_stop,
    norm,
    word_count,
)

#: Calls to action are short; a long paragraph mentioning "newsletter" is article text.
_CTA_MAX_WORDS = 40


#: A WordPress shortcode the site failed to render: "[button link=...]Send us ...[/button]".
_SHORTCODE = re.compile(r"^\s*\[(\w+)(?:\s[^\]]*)?\].*\[/\1\]\s*$|^\s*\[\w+\s+\w+=[^\]]*\]\s*$",
                        re.S)
#: A teaser's excerpt is cut off mid-sentence: "... dotrze delegacja Donalda Tr..."
_CUT_OFF = re.compile(r"\w(?:\.\.\.|…)\s*$")


def drop_teasers(paragraphs: list[str], own: tuple[str, ...] = ()) -> list[str]:
    """Remove link teasers and their labels anywhere, calls to action around the text.

    Credit lines among the trailing calls to action stay: they belong to the article
    (``credit.is_credit_line``; ``own`` are the site's names, see ``credit.own_names``).
    """
    kept = []
    under_label = False  # in the run of headlines under a "Don't miss" label
    for i, p in enumerate(paragraphs):
        if TEASER_LABEL.match(p):
            under_label = True
            continue
        if under_label and _is_teaser_headline(p):
            continue
        under_label = False
        if TEASER.match(p) or _SHORTCODE.match(p):
            continue
        if i and TEASER_LABEL.match(paragraphs[i - 1]) and _CUT_OFF.search(p):
            continue  # the excerpt under a "Read more" label
        kept.append(p)
    kept = _drop_trailer(kept, own)
    while kept and _is_call_to_action(kept[0]):  # "Sign up for our newsletter" above the text
        kept.pop(0)
    return kept


#: The text ends where a call to action starts in its last few paragraphs: what follows
#: is the promotion it opens ("Mehr zur Lage lesen Sie in unserem Liveblog:" and the
#: blog's teaser; "Follow X on Google News" and the author's bio; "2 Wochen kostenlos
#: testen" and the offer). Three: a fourth-last "SUBSCRIBE" can sit mid-article, with
#: three paragraphs of text after it.
_CLOSING_TAIL = 3
#: A call to action that ends the text is a line or a sentence ("Follow X on Google News
#: and add us as a preferred source ..." is 23 words); a longer paragraph that mentions a
#: newsletter is more likely the article talking about one.
_CLOSING_MAX_WORDS = 25
#: A call to action that is a list item belongs to a list of offers (the article's deals),
#: and "click here to read the affidavit" points at a document the text goes on about.
_NOT_CLOSING = re.compile(r"^\s*[-•*]\s|\bclick here\b", re.I)


def _drop_trailer(kept: list[str], own: tuple[str, ...]) -> list[str]:
    """Drop the calls to action and contributor notes after the text, keeping its credits;
    a call to action among the last paragraphs takes what follows it with it, when the
    text before it is the longer part (a short text is not cut down to nothing)."""
    kept = list(kept)
    credits: list[str] = []  # from the end backwards

    def pop_trailer() -> None:
        while kept and (_is_call_to_action(kept[-1]) or is_credit_line(kept[-1], own)
                        or _is_contributor_note(kept[-1])):
            line = kept.pop()
            if is_credit_line(line, own):
                credits.append(line)

    pop_trailer()
    for i in range(max(1, len(kept) - _CLOSING_TAIL), len(kept)):
        if (word_count(kept[i]) <= _CLOSING_MAX_WORDS and _is_call_to_action(kept[i])
                and not _NOT_CLOSING.search(kept[i])
                and not is_credit_line(kept[i], own) and _words(kept[:i]) > _words(kept[i:])):
            credits.extend(p for p in reversed(kept[i + 1:]) if is_credit_line(p, own))
            del kept[i:]
            pop_trailer()
            break
    return kept + credits[::-1]


def _words(paragraphs: list[str]) -> int:
    return sum(word_count(p) for p in paragraphs)


#: A teaser headline is short and is no sentence: it does not end with a full stop (of
#: any script: "。", "।", "؟" ...), a colon or a closing quote or bracket.
_HEADLINE_MAX_WORDS = 15
_SENTENCE_END = re.compile(rf"[{re.escape(SENTENCE_ENDS)}:：；\"”»)）」』]\s*$")


def _is_teaser_headline(p: str) -> bool:
    return word_count(p) <= _HEADLINE_MAX_WORDS and not _SENTENCE_END.search(p)


def _is_call_to_action(p: str) -> bool:
    return word_count(p) <= _CTA_MAX_WORDS and bool(CALL_TO_ACTION.search(p))


def _is_contributor_note(p: str) -> bool:
    return word_count(p) <= _CTA_MAX_WORDS and bool(CONTRIBUTORS.search(p))


#: The headline shown again above the text, with a kicker ("Hitzefolgen: So sind ...") or
#: a rubric: at most this many words around the title. A lede sentence that starts with
#: the title's words runs on longer and ends with a full stop.
_KICKER_WORDS = 8
#: The headline block sits in the first few paragraphs of the extraction.
_HEAD_PARAGRAPHS = 4
#: Titles shorter than this are too common a phrase to recognise a headline by.
_MIN_TITLE_WORDS = 4


def drop_headline(paragraphs: list[str], title: str | None,
                  headlines: tuple[str, ...] = ()) -> list[str]:
    """Drop the title, and near the top the title with a kicker or rubric glued to it;
    the same for ``headlines``, the page's displayed headlines (``headings.page_headlines``),
    which may differ from the title of its metadata, only near the top."""
    key = norm(title or "")
    keys = [(key, word_count(key), True)] if key else []
    keys += [(norm(h), word_count(norm(h)), False) for h in headlines
             if norm(h) and norm(h) != key]
    if not keys:
        return paragraphs
    out = []
    for i, p in enumerate(paragraphs):
        pk = norm(p)
        if not any(_is_headline(p, pk, i, *k) for k in keys):
            out.append(p)
    return out


#: A displayed headline this short ("Nairobi von unten") still names the article.
_MIN_HEADLINE_WORDS = 3


def _is_headline(p: str, pk: str, i: int, key: str, size: int, anywhere: bool) -> bool:
    """``p`` (the ``i``-th paragraph, normalised ``pk``) repeats the headline ``key`` of
    ``size`` words: all of it (the title anywhere, a displayed headline near the top), or
    near the top with a kicker."""
    if pk == key:
        return anywhere or (i < _HEAD_PARAGRAPHS and size >= _MIN_HEADLINE_WORDS)
    return (i < _HEAD_PARAGRAPHS and size >= _MIN_TITLE_WORDS and key in pk
            and word_count(p) <= size + _KICKER_WORDS and not ends_with_full_stop(p))


#: A picture credit or caption label: "Photo: AFP", "Image: eThekwini / Facebook",
#: "Foto: dpa", "(Archivbild)".
_PICTURE_CREDIT = re.compile(
    r"^\W*(?:(?:photo|photograph|picture|image|illustration|foto|fotos|bild|bilder|"
    r"photo credit|image credit|credit)s?\s*:\s*\S.*|\(?archiv(?:bild|foto)\)?)$",
    re.I,
)
#: A credit names an agency or a photographer: a few words, not a sentence.
_CREDIT_MAX_WORDS = 8


def is_picture_credit(p: str) -> bool:
    """"Photo: AFP", "Bild: dpa", "(Archivbild)": a picture's credit line."""
    return word_count(p) <= _CREDIT_MAX_WORDS and bool(_PICTURE_CREDIT.match(p))
#: "By Jane Doe", "von Engin Haupt, MDR", "Par Jean Dupont": a byline word and a capital.
_BYLINE = re.compile(r"^\s*(?:by|von|par|por|door|av|af|di|da|de|od|z)\s+[^\W\d_]", re.I)
#: A byline is a name or two and an outlet or place.
_BYLINE_MAX_WORDS = 8
#: A date stamp: "Stand: 08.07.2026 05:00 Uhr", "2025年1月14日 01時28分", "18.05.2026".
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{4}年\s*\d{1,2}月")
#: A date stamp is mostly digits: "Stand: 08.07.2026 05:00 Uhr" is 0.6 with its two label
#: words; an event line such as "2018.04.05 ~ OPEN RUN" (0.53) is text about a date.
_DATE_MIN_DIGIT_SHARE = 0.6
#: A stamp is a date, a time and a label or two, not a sentence.
_DATE_MAX_WORDS = 10


def _is_date_stamp(p: str) -> bool:
    # counted in whole tokens: "2025年1月14日" is one date, not five numbers and four words
    # (the digit share below is what keeps a sentence out, in any script)
    if not _DATE.search(p):
        return _is_named_date_stamp(p)
    if len(WORD.findall(p)) > _DATE_MAX_WORDS:  # the cheaper test first
        return False
    chars = "".join(WORD.findall(p))
    return sum(ch.isdigit() for ch in chars) >= _DATE_MIN_DIGIT_SHARE * len(chars)


#: A time of day: what a dateline has and a sentence about a date rarely has alone.
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
#: Tokens of a dateline besides numbers: a month name, a zone, "am"/"pm" ("p.m." is two).
_DATELINE_WORDS = frozenset(("am", "pm", "a", "p", "m"))
#: "17:41 JST, October 13, 2024" is six tokens; with seconds and "p.m." nine.
_DATELINE_MAX_TOKENS = 9


def _is_dateline_word(token: str) -> bool:
    word = token.lower()
    return (word.isdigit() or word in _DATELINE_WORDS or word in ZONES
            or any(word[:n] in MONTHS for n in (len(word), 4, 3)))


def _is_named_date_stamp(p: str) -> bool:
    """"17:41 JST, October 13, 2024": a time and a date with its month named, nothing else."""
    if not _TIME.search(p):
        return False
    words = WORD.findall(p)
    return (len(words) <= _DATELINE_MAX_TOKENS and all(map(_is_dateline_word, words))
            and parse_date(p) is not None)


#: A byline of fields: "Jane Doe | Palma | 08/01/2014": a few short fields, one of them a
#: date, at the top of the text; a sentence has no such fields.
_FIELD_SEPARATOR = re.compile(r"\s+[|·•]\s+")
_FIELDS_MAX_WORDS = 12


def _is_field_byline(p: str, i: int) -> bool:
    if i >= _HEAD_PARAGRAPHS or word_count(p) > _FIELDS_MAX_WORDS:
        return False
    fields = _FIELD_SEPARATOR.split(p.strip())
    return 2 <= len(fields) <= 4 and any(_is_date_stamp(f) for f in fields)


def _is_byline(p: str, authors: list[str]) -> bool:
    if word_count(p) > _BYLINE_MAX_WORDS:
        return False
    key = norm(p)
    if authors and key in {norm(a) for a in authors}:
        return True
    return bool(_BYLINE.match(p)) and any(norm(a) in key for a in authors if norm(a))


#: A reading-time or update stamp is a label, a number and a unit or a time.
_STAMP_MAX_WORDS = 8
#: An embed's placeholder is a sentence or two; a longer paragraph is article text.
_PLACEHOLDER_MAX_WORDS = 60
#: A source label is an agency or two: "Quelle: AFP", "Source: Reuters/Getty Images".
_SOURCE_MAX_WORDS = 4


#: Words every embed placeholder has (``phrases.EMBED_PLACEHOLDER``): a substring test
#: spares the regular expression's search on nearly every paragraph.
_PLACEHOLDER_WORDS = ("inhalt", "content", "contenu", "contenido", "contenuto", "conteúdo",
                      "inhoud", "einverstanden")


def _may_be_placeholder(p: str) -> bool:
    low = p.lower()
    return any(word in low for word in _PLACEHOLDER_WORDS)


def drop_labels(paragraphs: list[str], authors: list[str],
                captions: frozenset[str] = frozenset()) -> list[str]:
    """Remove picture credits, bylines of the page's authors (or of fields with a date, at
    the top), date, update and reading-time stamps, video teaser captions, placeholders
    of embedded posts, and source labels of pictures within the text (at its end,
    "Source: X" is the article's credit), and the lines the page sets apart, ``captions``
    (``headings.picture_captions``, ``headings.pull_quotes``)."""
    out = []
    for i, p in enumerate(paragraphs):
        words = word_count(p)
        if is_picture_credit(p):
            continue
        if _is_byline(p, authors) or _is_date_stamp(p) or _is_field_byline(p, i) \
                or ("|" in p and VIDEO_TEASER.search(p)):
            continue
        if (captions and norm(p) in captions) or (words <= _STAMP_MAX_WORDS and STAMP.match(p)):
            continue
        if words <= _PLACEHOLDER_MAX_WORDS and _may_be_placeholder(p) \
                and EMBED_PLACEHOLDER.search(p):
            continue
        if (words <= _SOURCE_MAX_WORDS and i < len(paragraphs) - CREDIT_TAIL
                and SOURCE_LABEL.match(p)):
            continue
        out.append(p)
    return out
