"""Bytes → str for HTML pages whose charset may be declared wrongly or not at all.

The order, and where it departs from the HTML standard's encoding sniffing (BOM, HTTP
``Content-Type``, ``<meta>`` prescan of the first 1024 bytes, then detection):

1. A byte order mark wins over everything, as in browsers.
2. UTF-16 without a BOM is recognised by its NUL bytes (markup is ASCII); ISO-2022-JP by
   its escape sequences (it is 7-bit, so it would pass as UTF-8).
3. Strict UTF-8 goes before any declaration: non-UTF-8 text with non-ASCII bytes almost
   never decodes as UTF-8, while pages that declare Latin-1 or GBK and are UTF-8 are
   common. A whole page encoded twice (UTF-8 read as Latin-1 and encoded again: "Ã©") is
   undone; a page that is mostly UTF-8 keeps its UTF-8 text around a few stray cp1252 bytes.
4. The declarations, header before ``<meta>`` (also a ``<meta>`` later than the standard's
   1024 bytes but still in the head, which browsers honour by re-parsing). A declaration
   that decodes without error is still refused when the bytes cannot be in that charset's
   script (:func:`plausible`): Cyrillic, Greek or CJK bytes declared as Latin-1 decode
   "fine" into Latin-1 letters.
5. Detection (charset_normalizer) on the page's non-ASCII text nodes and attribute
   values only, so markup, scripts and styles do not drown the language; among Latin or
   other charsets as the letter bytes say; windows-1252 when it reads the text as well.

Declared names are read by w3lib.encoding (the same parsing and WHATWG aliases Scrapy
uses). Only pages that are not UTF-8 ever reach steps 4-5. Never raises.
"""

from __future__ import annotations

import codecs
import logging
import re
from typing import NamedTuple

from charset_normalizer import CharsetMatch, from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

logger = logging.getLogger(__name__)

#: A well-formed multi-byte UTF-8 sequence (2, 3 or 4 bytes).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NOT_LETTER_BYTES = bytes(range(0xC0))
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])
#: Two or more non-ASCII bytes in a row.
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")
_MIXED = "ainews-cp1252"
_CP1252_BYTES = "ainews-cp1252-bytes"

#: Python codecs a declaration may name that are no web charset: they raise on any
#: page, or turn backslashes into characters. UTF-16/32 come only from a BOM or the
#: bytes (a ``<meta>`` readable as ASCII is not UTF-16, as the standard says).
_NOT_WEB = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape",
                      "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})
#: Charsets whose non-ASCII letters are Latin: in their text a non-ASCII byte mostly
#: sits alone inside an ASCII word ("café", "Straße"). In every other script's
#: charset, single- or multi-byte, non-ASCII bytes come in runs (whole words).
_LATIN = frozenset({"cp1252", "iso8859-15", "cp1250", "iso8859-2", "cp1254", "iso8859-9",
                    "cp1257", "iso8859-4", "iso8859-13", "iso8859-3", "iso8859-10",
                    "iso8859-14", "iso8859-16", "mac-roman", "cp1258"})
#: Share of letter bytes next to another non-ASCII byte (``run_share``) above which a
#: page declared in a Latin charset is not Latin text, and below which a page declared in
#: another script's charset is: on the encoding bench, Latin pages are at 0-0.28 (Turkish
#: the highest, French with "«\xa0" and "’é" typography 0.11), Cyrillic, Greek, Arabic,
#: Hebrew, Thai and CJK pages at 0.98-1.0.
LATIN_MAX_RUN_SHARE = 0.6
OTHER_MIN_RUN_SHARE = 0.4
#: A non-ASCII character between two ASCII letters, and those of them that are another
#: Latin charset's letters read as windows-1252 or Latin-1: symbols of U+00A1-U+00BF
#: ("Wroc³aw", "¿e" for Polish ł, ż; not "·", "´" and the soft hyphen, which do sit in
#: words) and ð þ (Turkish ğ ş; Icelandic has them too, and detection, which they only
#: trigger, keeps windows-1252 for it).
_INSIDE_WORD = re.compile(r"[A-Za-z]([^\x00-\x7f])(?=[A-Za-z])")
_MISREAD_LETTERS = frozenset("¡¢£¤¥¦§¨©ª«¬®¯°±²³µ¶¸¹º»¼½¾¿ðþÐÞ")
#: In-word symbols a Latin page may have by accident (an "x²", a "©") before its declared
#: charset is doubted, unless they are at most a tenth of its in-word characters.
MAX_ODD_INSIDE_WORDS = 3
#: Fewer letter bytes than this say nothing about the script (a name, a word).
MIN_LETTER_BYTES = 16
#: How much more "mess" (charset_normalizer's chaos, 0-1) windows-1252 may show than the
#: detector's best guess and still win, and how much less coherent (its language fit) it
#: may be: a short French page comes out as cp1257 by a hundredth ("à" → "ą"), while
#: Turkish is told from windows-1252 by coherence (0.83 against 0.75 on the bench).
WESTERN_SLACK = 0.1
WESTERN_COHERENCE_SLACK = 0.05
#: The charsets detection chooses from: the web's (WHATWG), without UTF-8 (already tried).
_DETECTABLE = ["cp1252", "cp1250", "cp1251", "koi8_r", "koi8_u", "cp1253", "iso8859_7",
               "cp1254", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp1257", "cp874",
               "cp932", "euc_jp", "gb18030", "big5", "cp949", "iso8859_2", "iso8859_5",
               "iso8859_4", "iso8859_13", "iso8859_15", "cp866", "mac_cyrillic"]
#: Latin charsets as charset_normalizer names them.
_LATIN_DETECTABLE = ["cp1252", "cp1250", "cp1254", "cp1257", "iso8859_2", "iso8859_4",
                     "iso8859_13", "iso8859_15"]
_LATIN_DETECTED = frozenset(_LATIN_DETECTABLE)
#: Declared charsets of Western European text, which Central European pages often
#: declare by mistake (a template's default).
_WESTERN = frozenset({"cp1252", "iso8859-15", "latin-1", "iso8859-1"})
#: Scripts and style sheets (their strings are no language), and the separators of text
#: nodes and attribute values: detection reads the pieces that hold non-ASCII bytes.
_SCRIPT_OR_STYLE = re.compile(rb"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(rb'[<>"]')
#: Detection reads at most this much text (charset_normalizer samples anyway), and the
#: checks of a declaration at most this much of the page: they judge a script, which
#: 256 KB show as well as 8 MB (where reading all took 0.6 s).
DETECT_SAMPLE_BYTES = 100_000
SAMPLE_BYTES = 262_144
#: How far into the page a ``<meta>`` charset is looked for (within the head).
LATE_META_LIMIT = 65_536
_META_WITH_CHARSET = re.compile(rb"<meta\s[^>]*charset", re.IGNORECASE)
_BODY_START = re.compile(rb"<body[\s>/]", re.IGNORECASE)
#: ISO-2022-JP's switches to JIS X 0208 (ESC $ B, ESC $ @).
_ISO2022_ESCAPE = re.compile(rb"\x1b\$[@B]")
#: The start of a character of text encoded twice (UTF-8 read as Latin-1/cp1252, then
#: encoded as UTF-8 again): a lead byte's letter ("Ã", "Ð", "ä") followed by a
#: continuation byte's (U+0080-U+00BF, or cp1252's punctuation for 0x80-0x9F).
#: Every lead byte (0xC2-0xF4) read as cp1252 is "Â".."ô", whose UTF-8 starts with 0xC3
#: (a literal first byte also keeps the search fast: 0.1 ms on a 100 KB page).
_DOUBLE_ENCODED = re.compile(rb"\xc3[\x82-\xb4](?:\xc2[\x80-\xbf]|\xe2[\x80-\x84][\x80-\xbf]"
                             rb"|\xc5[\x92\x93\xa0\xa1\xb8\xbd\xbe]|\xc6\x92|\xcb[\x86\x9c])")


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: bytes that are not UTF-8 read as cp1252 (the five bytes
    cp1252 leaves undefined as Latin-1), the usual source of stray bytes in UTF-8 pages."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), error.end


def _cp1252_encode_controls(error: UnicodeError) -> tuple[bytes, int]:
    """Encode error handler: U+0080-U+009F (Latin-1's reading of the bytes cp1252 leaves
    undefined) back to their byte; anything else is not cp1252 text."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    if all("\x80" <= ch <= "\x9f" for ch in bad):
        return bad.encode("latin-1"), error.end
    raise error


codecs.register_error(_MIXED, _cp1252_bytes)
codecs.register_error(_CP1252_BYTES, _cp1252_encode_controls)


def mostly_utf8(raw: bytes) -> bool:
    """More non-ASCII bytes form UTF-8 sequences than not: a UTF-8 page with some stray
    cp1252 bytes (pasted text, a template in another charset). Single-byte text almost
    never forms UTF-8 sequences by chance (a letter byte followed by a continuation byte)."""
    raw = raw[:SAMPLE_BYTES]
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(raw))
    stray = len(raw) - len(raw.translate(None, _HIGH_BYTES)) - in_sequences
    return in_sequences > stray


def _codec(label: str | None) -> str | None:
    """A declared label as a Python codec name usable on web pages, or None."""
    if not label:
        return None
    name = resolve_encoding(label)
    if not name:
        return None
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    return None if name in _NOT_WEB else name


def _meta_charset(raw: bytes) -> str | None:
    """The ``<meta>`` (or XML declaration) charset: w3lib's prescan of the first 4 KiB,
    then the first ``<meta ... charset>`` later in the head (after long inline scripts)."""
    if label := html_body_declared_encoding(raw):
        return label
    head = raw[:LATE_META_LIMIT]
    if body := _BODY_START.search(head):
        head = head[:body.start()]
    meta = _META_WITH_CHARSET.search(head, 4096 - 512)  # a tag cut at 4 KiB included
    return html_body_declared_encoding(head[meta.start():]) if meta else None


def declared_charsets(raw: bytes, content_type: str | None = None) -> list[str]:
    """Charsets the response declares, in browser priority: BOM, HTTP header, <meta>, as
    Python codec names with the WHATWG aliases browsers use (latin-1 is cp1252, gb2312 is
    gb18030); names that are no web charset are left out."""
    found = [
        read_bom(raw)[0],
        http_content_type_encoding(content_type) if content_type else None,
        _meta_charset(raw),
    ]
    out: list[str] = []
    for label in found:
        if (name := _codec(label)) and name not in out:
            out.append(name)
    return out


def run_share(raw: bytes) -> tuple[int, float]:
    """The number of letter bytes (0xC0-0xFF, where every windows-125x, ISO-8859 and KOI8
    charset has letters and CJK charsets lead bytes) and the share of them next to another
    non-ASCII byte. Bytes 0x80-0xBF are left out of the count: the windows code pages share
    their punctuation there (quotes, dashes, no-break space), which English text in any of
    them has alone."""
    letters = len(raw.translate(None, _NOT_LETTER_BYTES))
    if not letters:
        return 0, 0.0
    in_runs = sum(len(run.translate(None, _NOT_LETTER_BYTES)) for run in _HIGH_RUN.findall(raw))
    return letters, in_runs / letters


def _script_sample(raw: bytes) -> bytes:
    """The first ``SAMPLE_BYTES`` of the page, or all of it when they hold too few letter
    bytes to tell a script (a long head of scripts and styles before the text)."""
    sample = raw[:SAMPLE_BYTES]
    if len(raw) > SAMPLE_BYTES and \
            len(sample.translate(None, _NOT_LETTER_BYTES)) < MIN_LETTER_BYTES:
        return raw
    return sample


class Letters(NamedTuple):
    """What the checks of a page's script read: its sample (``_script_sample``) and that
    sample's letter bytes and their share in runs (``run_share``). Computed once a page:
    each declared charset, the candidates and the detector's check ask for them."""

    sample: bytes
    count: int
    run_share: float

    @classmethod
    def of(cls, raw: bytes) -> Letters:
        sample = _script_sample(raw)
        return cls(sample, *run_share(sample))


def plausible(raw: bytes, text: str, name: str, letters: Letters | None = None,
              non_ascii: NonAscii | None = None) -> bool:
    """Whether ``text``, the page's bytes read as ``name``, can be text in that charset:
    letters in runs or alone as its script has them (see ``_LATIN``), and in a Latin
    charset no Latin-1 symbol inside a word ("Wroc³aw": Polish read as windows-1252).
    ``letters`` are the page's (``Letters.of(raw)``) and ``non_ascii`` the text's
    (``NonAscii(text)``) when the caller has them."""
    sample, count, share = letters or Letters.of(raw)
    text = text[:len(sample)]
    if count < MIN_LETTER_BYTES:
        return True
    if capitals_first(text, (non_ascii or NonAscii(text)).sample(len(text))):
        return False
    if name not in _LATIN:
        return share >= OTHER_MIN_RUN_SHARE
    if share > LATIN_MAX_RUN_SHARE:
        return False
    inside = [m.group(1) for m in _INSIDE_WORD.finditer(text)]
    odd = sum(1 for ch in inside if ch in _MISREAD_LETTERS)
    return odd <= MAX_ODD_INSIDE_WORDS or odd * 10 <= len(inside)


#: Non-ASCII cased letters looked at by ``capitals_first``; fewer say nothing.
MIN_CASED_LETTERS = 16


#: Non-ASCII characters read by ``capitals_first`` and ``alphabet_fit``: enough to judge.
LETTER_SAMPLE = 20_000
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


class NonAscii:
    """The runs of non-ASCII characters of a text up to ``LETTER_SAMPLE`` of them, found
    once and read for the whole text or any start of it: a declared charset's reading is
    judged on its first ``SAMPLE_BYTES`` (``plausible``) and as a whole
    (``central_european``)."""

    def __init__(self, text: str) -> None:
        self.runs: list[tuple[int, str]] = []
        size = 0
        for run in _NON_ASCII.finditer(text):
            self.runs.append((run.start(), run.group()))
            size += len(self.runs[-1][1])
            if size >= LETTER_SAMPLE:
                break

    def sample(self, end: int | None = None) -> str:
        """The first ``LETTER_SAMPLE`` non-ASCII characters of ``text[:end]``."""
        if end is None:
            return "".join(run for _, run in self.runs)[:LETTER_SAMPLE]
        return "".join(run[:end - start] for start, run in self.runs
                       if start < end)[:LETTER_SAMPLE]


def _non_ascii(text: str) -> str:
    return NonAscii(text).sample()


def capitals_first(text: str, letters: str | None = None) -> bool:
    """More capitals than small letters among the non-ASCII cased letters of ``text``: no
    language writes so, but a charset of the right script with the cases the other way
    round reads so (KOI8-R read as windows-1251: "рТЕЪЙДЕОФ" for "Президент").
    ``letters``: ``text``'s non-ASCII sample when the caller has it."""
    letters = _non_ascii(text) if letters is None else letters
    lower = sum(map(str.islower, letters))
    upper = sum(map(str.isupper, letters))
    return upper + lower >= MIN_CASED_LETTERS and upper > lower


#: The non-ASCII small letters of the languages written in windows-1252 (French, German,
#: Italian, Spanish, Portuguese, Catalan, Dutch, Danish/Norwegian, Swedish, Finnish,
#: Icelandic, Estonian) and in windows-1250 / ISO-8859-2 (Czech, Slovak, Hungarian,
#: Polish, Slovene, Croatian, Romanian, German). Text in one language uses one alphabet;
#: Czech read as windows-1252 mixes "ø", "è", "ì" (ř, č, ě) with "á", "ý", which no
#: Western alphabet has together, and Hungarian "õ", "û" (ő, ű) with "ö", "á".
WESTERN_ALPHABETS = ("àâæçéèêëîïôœùûüÿ", "äöüß", "àèéìíòóùúî", "áéíñóúü", "áâãàçéêíóôõúü",
                     "àçèéíïòóúü", "áéíóúëïèöü", "æøåéó", "åäöé", "äöåšž", "áðéíóúýþæö",
                     "õäöüšž")
CENTRAL_ALPHABETS = ("áčďéěíňóřšťúůýž", "áäčďéíĺľňóôŕšťúýž", "áéíóöőúüű", "ąćęłńóśźż",
                     "čšž", "čćđšž", "ăâîșşțţ", "äöüß")
#: A Central European reading replaces the declared Western one when one alphabet holds
#: at least this share of its letters (a foreign name or two aside) and a larger share,
#: by ``ALPHABET_MARGIN``, than any Western alphabet holds of the declared reading's: a
#: long Hungarian text has one "ő" or "ű" in a dozen non-ASCII letters, the rest are
#: letters Icelandic or Portuguese have too.
MIN_ALPHABET_FIT = 0.9
ALPHABET_MARGIN = 0.02
#: Central European charsets a page declared Western may really be in.
_CENTRAL = ("cp1250", "iso8859_2")


def alphabet_fit(text: str, alphabets: tuple[str, ...],
                 non_ascii: NonAscii | None = None) -> tuple[int, float]:
    """The number of non-ASCII letters of ``text`` (its sample) and the largest share of
    them that one of ``alphabets`` holds; C1 controls count as letters no alphabet has
    (what ISO-8859-2 makes of windows-1250's "š", "ž")."""
    sample = non_ascii.sample() if non_ascii else _non_ascii(text)
    letters = [ch for ch in sample.lower() if ch.isalpha() or ch < "\xa0"]
    if not letters:
        return 0, 1.0
    return len(letters), max(sum(ch in alphabet for ch in letters)
                             for alphabet in alphabets) / len(letters)


def central_european(raw: bytes, text: str, non_ascii: NonAscii | None = None) -> str | None:
    """``raw`` read as windows-1250 or ISO-8859-2, when ``text`` (its reading in a
    declared Western charset) is no Western language's letters and that reading is one
    Central European language's; else None. Both charsets give the same letters to many
    bytes (á, é, ö), and windows-1252 to the others letters too (ř → ø, ő → õ), so the
    declared reading looks plausible letter by letter."""
    count, fit = alphabet_fit(text, WESTERN_ALPHABETS, non_ascii)
    if count < MIN_CASED_LETTERS or fit + ALPHABET_MARGIN >= 1:
        return None
    best, best_fit = None, max(fit + ALPHABET_MARGIN, MIN_ALPHABET_FIT)
    for name in _CENTRAL:
        try:
            reading = raw.decode(name)
        except UnicodeDecodeError:
            continue
        _, central = alphabet_fit(reading, CENTRAL_ALPHABETS)
        if central >= best_fit and (best is None or central > best_fit):
            best, best_fit = reading, central
    return best


def _binary(raw: bytes) -> bool:
    """Control bytes (not tab, newlines, form feed) fill more than 5% of the start: an
    image, an archive, random bytes; text in any charset has next to none."""
    start = raw[:2048]
    controls = len(start) - len(start.translate(None, _CONTROL_BYTES))
    return controls >= 8 and controls * 20 > len(start)


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes fill every other byte of the page's start."""
    start = raw[:1024]
    if b"\x00" not in start or len(start) < 64:
        return None
    even, odd = start[0::2].count(0), start[1::2].count(0)
    half = len(start) // 2
    if odd > half * 0.3 and even < odd * 0.1:
        return "utf-16-le"
    if even > half * 0.3 and odd < even * 0.1:
        return "utf-16-be"
    return None


def undo_double_encoding(text: str) -> str:
    """``text`` as it was before it was encoded twice, when the whole of it was (every
    non-ASCII character is a cp1252 reading of UTF-8 bytes); else ``text`` unchanged.
    Real text never re-decodes as UTF-8 as a whole (an "é" followed by a space fails)."""
    try:
        return text.encode("cp1252", errors=_CP1252_BYTES).decode("utf-8")
    except UnicodeError:
        return text


def decode_html(raw: bytes | str, content_type: str | None = None) -> str:
    """Decode a page (see the module docstring for the order). Never raises: the last
    resort is UTF-8 with replacement characters."""
    if isinstance(raw, str):
        if _DOUBLE_ENCODED.search(raw.encode("utf-8", "surrogatepass")):
            return undo_double_encoding(raw)
        return raw
    if bom := read_bom(raw)[0]:
        return raw.decode(bom, errors="replace").lstrip("\ufeff")
    if wide := _utf16_without_bom(raw):
        return raw.decode(wide, errors="replace")
    if b"\x1b" in raw and _ISO2022_ESCAPE.search(raw):
        try:
            return raw.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if mostly_utf8(raw):
            return raw.decode("utf-8", errors=_MIXED)
    else:
        return undo_double_encoding(text) if _DOUBLE_ENCODED.search(raw) else text
    return _decode_legacy(raw, content_type)


def _decode_legacy(raw: bytes, content_type: str | None) -> str:
    """A page that is not UTF-8: the first declared charset that decodes it into text
    its script can have, else detection, else the first that decodes at all."""
    if _binary(raw):  # no charset makes text of it; replacement characters say so
        return raw.decode("utf-8", errors="replace")
    fallback = None
    fits: dict[str, str] = {}
    letters = Letters.of(raw)
    for name in declared_charsets(raw, content_type):
        if name == "utf-8":
            continue
        try:
            text = raw.decode(name)
        except (UnicodeError, LookupError, ValueError):
            continue
        non_ascii = NonAscii(text)  # read by both checks: found once
        if plausible(raw, text, name, letters, non_ascii):
            if name in _WESTERN:
                text = central_european(raw, text, non_ascii) or text
            fits[name] = text
        else:
            logger.debug("the page's bytes are not %s text; detecting its charset", name)
            fallback = fallback or text
    if len(set(fits.values())) > 1:  # header and <meta> disagree: the text decides
        chosen = detect(raw, among=list(fits), letters=letters)
        return fits.get(_codec(chosen) or "", next(iter(fits.values())))
    if fits:
        return next(iter(fits.values()))
    if detected := detect(raw, letters=letters):
        try:
            return raw.decode(detected)
        except (UnicodeError, LookupError):
            pass
    if fallback is not None:
        return fallback
    return raw.decode("cp1252", errors=_MIXED)  # the WHATWG default; never fails


def _language_sample(raw: bytes, script_sample: bytes) -> bytes:
    """The page's non-ASCII text nodes and attribute values (titles, descriptions, alt
    texts), without scripts and styles: a detector fed the whole page reads mostly
    markup and judges the language of a style sheet. ``script_sample`` is
    ``_script_sample(raw)``."""
    page = _SCRIPT_OR_STYLE.sub(b" ", script_sample)
    sample = b"\n".join(piece for piece in _MARKUP.split(page) if not piece.isascii())
    return sample[:DETECT_SAMPLE_BYTES] or raw[:DETECT_SAMPLE_BYTES]


def _best(sample: bytes, among: list[str]) -> CharsetMatch | None:
    try:
        return from_bytes(sample, cp_isolation=among).best()
    except Exception:  # noqa: BLE001 - a detector's bug must not lose the page
        logger.warning("charset detection failed", exc_info=True)
        return None


def detect(raw: bytes, among: list[str] | None = None,
           letters: Letters | None = None) -> str | None:
    """charset_normalizer's guess from the page's language (``_language_sample``), among
    the web's charsets (or ``among``); windows-1252 when it reads the text nearly as well
    (the WHATWG default for Western pages). None when nothing fits. ``letters`` are the
    page's (``Letters.of(raw)``) when the caller has them."""
    letters = letters or Letters.of(raw)
    sample = _language_sample(raw, letters.sample)
    best = _best(sample, among or _candidates(letters))
    if best is None or among or best.encoding == "cp1252" \
            or best.encoding not in _LATIN_DETECTED:
        return best.encoding if best is not None else None
    # the detector skips charsets "similar" to one it matched: score windows-1252 alone
    western = _best(sample, ["cp1252"])
    if western is not None and western.chaos <= best.chaos + WESTERN_SLACK \
            and western.coherence >= best.coherence - WESTERN_COHERENCE_SLACK \
            and plausible(raw, raw.decode("cp1252", errors=_MIXED), "cp1252", letters):
        return "cp1252"
    return best.encoding


def _candidates(page: Letters) -> list[str]:
    """The charsets the page's letter bytes allow (see ``run_share``): Latin ones when
    they stand alone or there are none (only punctuation, which the windows code pages
    share), others when they come in runs."""
    _, letters, share = page
    if not letters or share < OTHER_MIN_RUN_SHARE:
        return _LATIN_DETECTABLE
    if letters >= MIN_LETTER_BYTES and share > LATIN_MAX_RUN_SHARE:
        return [name for name in _DETECTABLE if name not in _LATIN_DETECTED]
    return _DETECTABLE
