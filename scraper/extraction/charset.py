"""Bytes → str for HTML pages whose charset may be declared wrongly or not at all."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-sjis": "shift_jis", "sjis": "shift_jis"}
#: How much of the page is searched for a <meta charset>; browsers look at 1024 bytes,
#: real pages put it later (after long <script> blocks), 4 KiB catches nearly all.
_META_SCAN_BYTES = 4096


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charsets(raw: bytes, content_type: str | None = None) -> list[str]:
    """Charsets the response declares, in browser priority: BOM, HTTP header, <meta>."""
    found: list[str] = []
    for bom, name in _BOMS:
        if raw.startswith(bom):
            found.append(name)
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        found.append(m.group(1))
    if m := _META_CHARSET.search(raw[:_META_SCAN_BYTES]):
        found.append(m.group(1).decode("ascii", "ignore"))
    out: list[str] = []
    for label in found:
        name = _normalise(label)
        if name and name not in out:
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
    if not any(raw.startswith(bom) for bom, _ in _BOMS):
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

