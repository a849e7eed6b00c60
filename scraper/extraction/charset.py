"""Bytes → str for HTML pages whose charset may be declared wrongly or not at all."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: A well-formed multi-byte UTF-8 sequence (2, 3 or 4 bytes).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_MIXED = "ainews-cp1252"


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decode error handler: bytes that are not UTF-8 read as cp1252 (the five bytes
    cp1252 leaves undefined as Latin-1), the usual source of stray bytes in UTF-8 pages."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), error.end


codecs.register_error(_MIXED, _cp1252_bytes)


def mostly_utf8(raw: bytes) -> bool:
    """More non-ASCII bytes form UTF-8 sequences than not: a UTF-8 page with some stray
    cp1252 bytes (pasted text, a template in another charset). Single-byte text almost
    never forms UTF-8 sequences by chance (a letter byte followed by a continuation byte)."""
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(raw))
    stray = len(_NON_ASCII.findall(raw)) - in_sequences
    return in_sequences > stray


def declared_charsets(raw: bytes, content_type: str | None = None) -> list[str]:
    """Charsets the response declares, in browser priority: BOM, HTTP header, <meta> (in
    the first 4 KiB), as Python codec names with the WHATWG aliases browsers use (latin-1
    is cp1252, gb2312 is gb18030): w3lib's parsing, the same as Scrapy's."""
    found = [
        read_bom(raw)[0],
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(raw),
    ]
    out: list[str] = []
    for label in found:
        name = resolve_encoding(label) if label else None
        if name and (name := codecs.lookup(name).name) not in out:
            out.append(name)
    return out


def decode_html(raw: bytes | str, content_type: str | None = None) -> str:
    """Decode a page: BOM, then strict UTF-8, then UTF-8 with stray cp1252 bytes, then the
    declared charsets, then detection.

    Strict UTF-8 goes before the declared charsets because pages that declare Latin-1
    or GBK but are really UTF-8 are common, while non-UTF-8 text with non-ASCII bytes
    almost never decodes as valid UTF-8. A page that is mostly UTF-8 with a few cp1252
    bytes keeps its UTF-8 text instead of being read whole in a wrong charset. Never
    raises: the last resort is UTF-8 with replacement characters.
    """
    if isinstance(raw, str):
        return raw
    candidates = declared_charsets(raw, content_type)
    if not raw.startswith(_BOMS):
        candidates.insert(0, "utf-8")
    for name in candidates:
        try:
            text = raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            if name == "utf-8" and mostly_utf8(raw):
                return raw.decode(name, errors=_MIXED).lstrip("\ufeff")
            continue
        return text.lstrip("\ufeff")
    return raw.decode(_detect(raw), errors="replace")


#: How much more "mess" (charset_normalizer's chaos, 0-1) windows-1252 may show than the
#: detector's best guess and still win: on a short French or German page the detector
#: prefers mac_latin2 or cp1257 by a few hundredths, and reads "café" as "cafť".
WESTERN_SLACK = 0.1


def _detect(raw: bytes) -> str:
    """charset_normalizer's guess, windows-1252 when it is nearly as good (the WHATWG
    default for Western pages), UTF-8 when nothing fits."""
    matches = from_bytes(raw[:200_000])
    best = matches.best()
    if best is None:
        return "utf-8"
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + WESTERN_SLACK:
        return "cp1252"
    return best.encoding or "utf-8"

