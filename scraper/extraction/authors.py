"""Author names from byline strings: cleaned, split into people, organisations set aside.

``split_byline("By Jane Doe and John Roe, Staff Writers")`` → ``["Jane Doe", "John Roe"]``.
"Last, First" stays one person as written; duplicates are dropped case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ainews.scraper.extraction.text import fold

#: Words that introduce a byline ("By", "Von", "Por", ...), stripped from the front.
_PREFIX = re.compile(
    r"^(?:(?:written|reported|text|words|interview|photos?|(?:additional\s+)?reporting|"
    r"story|posted)\s+)?"
    r"(?:by|von|por|par|door|autor(?:in)?|author|auteur|text|redakce|"
    r"från|fra|od|από|tekst|av|af)\b\s*:?\s*|^(?:autor(?:in)?|author|text|von|by)\s*:\s*",
    re.IGNORECASE,
)
#: A byline part crediting someone else's work ("Reporting by X; Editing by Y"): the
#: editor, translator or fact-checker is not an author.
_OTHER_CREDIT = re.compile(
    r"^(?:edit(?:ed|ing)|translat(?:ed|ion)|fact[- ]?check(?:ed|ing)?|compiled|"
    r"(?:additional\s+)?editing)\s+by\b", re.IGNORECASE)
#: Separators between several people in one byline.
_AND = re.compile(
    r"\s*(?:;|\||/|\s&\s|&amp;|\b(?:[Aa]nd|AND|[Uu]nd|et|og|mit|with|med|jeung|e|y|i)\b(?!\.)"
    r"|،|、|·|•)\s*"
)  # case-sensitive: "Sarah E. Needleman" keeps its initial
#: A part after a comma or dash that is a job title, not a second person.
_ROLE = re.compile(
    r"\b(?:reporter|correspondent|editor|writer|journalist|columnist|contributor|staff|"
    r"producer|analyst|anchor|author|photographer|chief|senior|deputy|managing|"
    r"redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|redaktion|autor(?:in)?|"
    r"rédact(?:eur|rice)|redactor|redattore|corresponsal|intern|fellow|professor|"
    r"director|head of|lecturer|researcher|expert|for\s+\w+|in\s+[A-Z]\w+)\b",
    re.IGNORECASE,
)
#: Bylines that credit a desk or the publication rather than a person.
_ORG_WORDS = re.compile(
    r"\b(?:staff|team|desk|newsroom|redaktion|rédaction|redacción|redazione|editorial|"
    r"editors|online|news|agency|agentur|agence|agencia|press|presse|media|reuters|"
    r"associated|afp|dpa|apa|sda|sid|kna|epd|ansa|efe|ap|pa|upi|bloomberg|xinhua|"
    r"tass|ria|digital|\w+\.(?:com|de|at|ch|org|net|co|uk|fr|it|es|nl|no|se|dk|pl|cz))\b",
    re.IGNORECASE,
)
#: The generic words of ``_ORG_WORDS``, which name no one on their own.
_GENERIC_ORG = re.compile(
    r"staff|team|desk|newsroom|editorial|editors|online|news|agency|press|media|digital",
    re.IGNORECASE)
#: Prefixes that are also name particles ("Di Maria", "De Vries"): only in lower case.
_LOWER_PREFIX = re.compile(r"^(?:di|de|da|af|av|fra)\s+(?=[A-ZÀ-Þ])")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?:^|\s)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_UPDATED = re.compile(
    r"\b(?:updated|published|posted|aktualisiert|veröffentlicht|actualizado|publié|"
    r"mis à jour|stand|on|am|le|el)\b.*\d.*$",
    re.IGNORECASE,
)
#: Text that never occurs in a name: digits, code, exclamations, share-button and link
#: labels ("View More Articles", "Comment!"), placeholders.
_NOT_NAME = re.compile(
    r"\d|[{}<>=;()\[\]!?]|^(?:by|von|admin|null|none|undefined|unknown|anonymous|"
    r"authors?|autor(?:en|in)?|writers?|contributors?|reporters?)$|"
    r"\b(?:twitter|facebook|instagram|linkedin|whatsapp|e-?mail|share|follow|subscribe|"
    r"articles|posts|stories|print(?:er|able)?)\b",
    re.IGNORECASE,
)
#: A field label inside a byline ("Topic: Hardware", "Sendung: hr-INFO", "Photo: X"): one
#: word and a colon, never digits (so "19:14" is no label).
_FIELD = re.compile(r"(?:^|(?<=[\s|,;]))([^\W\d_][\w-]*)\s?:\s")
#: Labels whose value is the author; any other label starts another field (topic,
#: editor, photo, broadcast, source). A few common words, not a dictionary.
_AUTHOR_LABEL = re.compile(
    r"^(?:by|von|por|par|door|autor(?:in|en)?|authors?|auteurs?|autore|text|texte|tekst|"
    r"текст|автор|words|reporter|reporting|written)$", re.IGNORECASE)
#: News agencies credited after a reporter without a separator ("Tom Davies Associated
#: Press"); only these, so "India Post News Weekly" is never split at a generic "News".
_AGENCY_TAIL = re.compile(
    r"^(?:(?:the )?associated press|reuters|afp|dpa|apa|sda|ansa|efe|upi|bloomberg|xinhua|tass|kna|"
    r"epd|ap)$", re.IGNORECASE)
#: A byline part naming the section the story is filed in ("in Politics").
_SECTIONS = re.compile(r"^(?:in|im|en|dans|filed under)\s+\S", re.IGNORECASE)
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: What runs on after a name when a byline box is read as one text without separators:
#: a job title ("Jane Doe Parliamentary editor", "Jane Doe Redakteurin"), the title a
#: freelancer writes for ("Jane Doe for Example.com"), a date label or a weekday of the
#: dateline ("Jane Doe Updated …", "Jane Doe Monday"). None of these words is a name,
#: so the name is the words before; at least two must remain (a first and a last name).
#: Only the usual qualifiers may stand before a job title, so "Mary Ann Smith editor"
#: keeps "Smith".
_RUN_ON = re.compile(
    r"^((?:\S+\s+){1,4}?\S+)\s+(?:"
    r"(?:(?:senior|chief|staff|deputy|managing|associate|contributing|executive|"
    r"political|parliamentary|foreign|business|science|sports?|news|freier?|leitender?|"
    r"stellvertretender?)\s+){1,2}(?:[A-Z]\S*\s+)?(?:reporter|correspondent|editor|writer)"
    r"|(?:reporter|correspondent|editor|writer|journalist|columnist|"
    r"contributor|producer|photographer|redakteur(?:in)?|korrespondent(?:in)?|"
    r"journalistin|rédact(?:eur|rice)|redactor|redattore|corresponsal|envoyée?s?)\b.*"
    r"|(?:for|in|special\s+to)\s+\S.*"
    r"|(?:updated|published|posted|aktualisiert|veröffentlicht|actualizado|publié)\b.*"
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|"
    r"mittwoch|donnerstag|freitag|samstag|sonntag)\b.*)$",
    re.IGNORECASE,
)
#: A weekday alone is the start of a dateline ("von Montag, den 1. Mai"), not a name.
_WEEKDAY = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|"
    r"mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche)$", re.IGNORECASE)
#: Longest plausible name in words/characters: longer strings are sentences or bios.
MAX_NAME_WORDS = 6
MAX_NAME_CHARS = 60


def _fold(text: str) -> str:
    return fold(text).strip(" \t\n,;:|-–—·•")


def clean_name(raw: str) -> str | None:
    """One name without prefix, email, handle, URL, date or role; None when nothing is left."""
    text = _fold(_URL.sub(" ", _EMAIL.sub(" ", raw)))
    text = _HANDLE.sub(" ", _PARENS.sub(" ", text))
    text = _UPDATED.sub("", text)
    for _ in range(2):  # "Text: Von X" has two prefixes
        text = _fold(_LOWER_PREFIX.sub("", _PREFIX.sub("", _fold(text))))
    if not text or len(text) > MAX_NAME_CHARS or len(text.split()) > MAX_NAME_WORDS:
        return None
    if (run_on := _RUN_ON.match(text)) and not _ORG_WORDS.search(run_on[1]):
        text = run_on[1]  # a desk keeps its words: "Guardian staff reporter"
    words = text.split()
    if len(words) % 2 == 0 and words[: len(words) // 2] == words[len(words) // 2:]:
        text = " ".join(words[: len(words) // 2])  # "Jane Doe Jane Doe": link and alt text
    if not any(ch.isalpha() for ch in text) or _NOT_NAME.search(text) or _WEEKDAY.match(text):
        return None
    if (text.count('"') + text.count("“") + text.count("”")) % 2:
        return None  # a quotation cut short ('By clicking "Submit," you agree'), no name
    return text


def _is_last_first(parts: list[str]) -> bool:
    """``["Doe", "Jane"]`` from "Doe, Jane": two parts, each one or two words, no role."""
    return (
        len(parts) == 2
        and all(0 < len(p.split()) <= 2 for p in parts)
        and len(parts[0].split()) == 1
        and not any(_ROLE.search(p) for p in parts)
    )


def first_last(name: str) -> str:
    """"Doe, Jane" → "Jane Doe"; any other name unchanged.

    Only for fields whose convention is the catalogue order "Last, First" (Dublin Core
    creator, Highwire ``citation_author``): there the comma is a reordering, and the
    byline the page shows reads "Jane Doe". A comma in a free byline may mean anything
    ("AFP, Manila"), so ``split_byline`` keeps it as written.
    """
    parts = [_fold(p) for p in _PREFIX.sub("", _fold(name)).split(",")]
    return f"{parts[1]} {parts[0]}" if _is_last_first(parts) else name


def author_fields(text: str) -> str:
    """``text`` without the labelled fields that do not credit an author.

    "By Jane Doe | Topic: Hardware" → "By Jane Doe | "; "Text: Jane Doe" keeps Jane Doe;
    "Redaktion: X Sendung: hr-INFO" (editor and programme) → "". The unlabelled text
    before the first label is kept: it is the byline proper.
    """
    pieces = _FIELD.split(text)
    if len(pieces) == 1:
        return text
    labelled = zip(pieces[1::2], pieces[2::2], strict=True)  # split() alternates them
    kept = [pieces[0]] + [value for label, value in labelled if _AUTHOR_LABEL.match(label)]
    return " ; ".join(piece for piece in kept if piece.strip())


def _agency_split(name: str) -> list[str]:
    """"Tom Davies Associated Press" → ["Tom Davies", "Associated Press"]; else [name]."""
    words = name.split()
    for i in range(2, len(words)):
        if _AGENCY_TAIL.match(" ".join(words[i:])):
            return [" ".join(words[:i]), " ".join(words[i:])]
    return [name]


def split_byline(raw: str) -> list[str]:
    """The people named in one byline string, in order."""
    text = _fold(_PARENS.sub(" ", _URL.sub(" ", _EMAIL.sub(" ", raw or ""))))
    text = author_fields(text)
    text = _LOWER_PREFIX.sub("", _PREFIX.sub("", text))
    names: list[str] = []
    for chunk in _AND.split(text):
        if _OTHER_CREDIT.match(chunk):
            continue
        parts = [p for p in (_fold(p) for p in chunk.split(",")) if p]
        if _is_last_first(parts):
            parts = [", ".join(parts)]
        elif len(parts) > 1 and len(parts[0].split()) > 1:
            # "Jane Doe, Frankfurt": a one-word part after a full name is a dateline.
            # An agency is no dateline: "Jane Doe, Reuters" credits both.
            parts = parts[:1] + [p for p in parts[1:]
                                 if len(p.split()) > 1 or _AGENCY_TAIL.match(p)]
        for part in parts:
            if _SECTIONS.match(part):
                return names  # "By Jane Doe, in Politics, Economy": sections follow
            if names and _ROLE.search(part) and not _looks_like_name(part):
                continue  # "Jane Doe, Senior Reporter": a role, not a person
            part = re.split(r"\s+[-–—|]\s+", part)[0]  # "Jane Doe – Reporter"
            if (name := clean_name(part)) and not _ROLE.fullmatch(name):
                names += _agency_split(name)
    return names


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and not _ROLE.search(
        text)


def looks_like_person(name: str, site_names: Iterable[str] = ()) -> bool:
    """Two to four capitalised words, not shouted, no role, no organisation."""
    return (_looks_like_name(name) and not name.isupper()
            and not is_organisation(name, site_names))


def is_publisher(name: str, site_names: Iterable[str] = ()) -> bool:
    """The publication itself: its site name, publisher name or domain, or a part of one."""
    folded = re.sub(r"\W+", "", name.lower())
    for site in site_names:
        site_folded = re.sub(r"\W+", "", site.lower())
        if folded and site_folded and (folded in site_folded or site_folded in folded):
            return True
    return False


def is_organisation(name: str, site_names: Iterable[str] = ()) -> bool:
    """A desk, agency or the publication itself rather than a person."""
    return is_publisher(name, site_names) or bool(_ORG_WORDS.search(name))


def is_section_label(name: str) -> bool:
    """A bare generic word ("News", "Online", "Staff"): a section badge or desk label
    beside the byline, not a credit to anyone; an agency or desk credit has a name."""
    return len(name.split()) == 1 and bool(_GENERIC_ORG.fullmatch(name))


def unique(names: Iterable[str]) -> list[str]:
    """``names`` without case-insensitive or whitespace duplicates, first spelling kept."""
    seen: set[str] = set()
    result = []
    for name in names:
        key = re.sub(r"\W+", " ", name.lower()).strip()
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result
