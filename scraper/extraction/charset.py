"""Bytes → str for HTML pages whose charset may be declared wrongly or not at all."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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
    """Decode a page: BOM, then strict UTF-8, then the declared charsets, then detection.

    Strict UTF-8 goes before the declared charsets because pages that declare Latin-1
    or GBK but are really UTF-8 are common, while non-UTF-8 text with non-ASCII bytes
    almost never decodes as valid UTF-8. Never raises: the last resort is UTF-8 with
    replacement characters.
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
            continue
        return text.lstrip("\ufeff")
    best = from_bytes(raw[:200_000]).best()
    if best is not None and best.encoding:
        return raw.decode(best.encoding, errors="replace")
    return raw.decode("utf-8", errors="replace")

