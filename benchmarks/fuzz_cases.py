"""The inputs of ``benchmarks/fuzz.py``: seeded mutations of real pages and hand-built hostile
documents. Every function here is deterministic: the same seed gives the same cases.

A case's name says how to rebuild it (``python -m benchmarks.fuzz --show NAME``).
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

WORDS = ("model", "training", "benchmark", "researchers", "said", "the", "released", "open",
         "weights", "tokens", "language", "company", "announced", "on", "Tuesday", "a", "new")


@dataclass(frozen=True)
class Case:
    """One input: ``data`` for ``target`` (``extract``, ``discovery``, ``robots``, ``warc``,
    ``sites``); ``content_type`` and ``encoding`` only for pages."""

    name: str
    target: str
    data: bytes | str
    content_type: str | None = "text/html"
    encoding: str | None = None  # Content-Encoding of a page (gzip)


def rng_for(seed: int, *parts: str) -> random.Random:
    """A generator of its own per case: one case's randomness never shifts another's."""
    return random.Random(":".join((str(seed), *parts)))


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def article_page(rng: random.Random, paragraphs: int = 8, head: str = "",
                 wrap: tuple[str, str] = ("", "")) -> str:
    """A plain news page with ``paragraphs`` paragraphs of ~40 words in an <article>."""
    body = "".join(f"<p>{words(rng, 40).capitalize()}.</p>" for _ in range(paragraphs))
    return (f"<!DOCTYPE html><html><head><title>A model was released</title>{head}</head>"
            f"<body><nav><a href='/'>Home</a></nav>{wrap[0]}<article><h1>A model was "
            f"released</h1>{body}</article>{wrap[1]}<footer>(c) 2026</footer></body></html>")


# -- mutations of real pages ---------------------------------------------------------------

def _positions(rng: random.Random, data: bytes, n: int) -> list[int]:
    return sorted(rng.randrange(len(data) + 1) for _ in range(n))


def _insert_each(data: bytes, rng: random.Random, pieces: Callable[[], bytes], n: int) -> bytes:
    out, last = [], 0
    for pos in _positions(rng, data, n):
        out += [data[last:pos], pieces()]
        last = pos
    return b"".join([*out, data[last:]])


def _body_span(data: bytes) -> tuple[int, int]:
    """Where the page's body content starts and ends (the whole page when unclear)."""
    start = re.search(rb"<body[^>]*>", data, re.IGNORECASE)
    end = data.lower().rfind(b"</body")
    return (start.end() if start else 0), (end if end > 0 else len(data))


def _wrap_body(data: bytes, before: bytes, after: bytes) -> bytes:
    start, end = _body_span(data)
    return data[:start] + before + data[start:end] + after + data[end:]


def _in_head(data: bytes, extra: bytes) -> bytes:
    match = re.search(rb"</head\s*>", data, re.IGNORECASE)
    pos = match.start() if match else 0
    return data[:pos] + extra + data[pos:]


def _truncate_in(data: bytes, rng: random.Random, opener: bytes, fallback: bytes) -> bytes:
    """Cut inside a construct that starts with ``opener`` (inserting one midway if the page
    has none): an unclosed comment, CDATA section, tag..."""
    spots = [m.start() for m in re.finditer(re.escape(opener), data)]
    if not spots:
        start, end = _body_span(data)
        pos = rng.randrange(start, max(start + 1, end))
        data = data[:pos] + fallback + data[pos:]
        spots = [pos]
    pos = rng.choice(spots)
    return data[: min(len(data), pos + len(opener) + rng.randrange(1, 40))]


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 60)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


_CHARSETS = ("utf-16", "utf-32", "koi8-r", "shift_jis", "iso-2022-jp", "x-user-defined",
             "bogus-charset", "utf-7", "gb18030", "windows-1255", "iso-8859-8-i", "replacement",
             "", "utf-8\x00", "latin1;charset=big5")


def _wrong_charset(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    declared = rng.choice(_CHARSETS)
    meta = f'<meta charset="{declared}"><meta http-equiv="Content-Type" ' \
           f'content="text/html; charset={rng.choice(_CHARSETS)}">'
    data = re.sub(rb"<meta[^>]*charset[^>]*>", b"", data, flags=re.IGNORECASE)
    return _in_head(data, meta.encode("latin-1")), f"text/html; charset={rng.choice(_CHARSETS)}"


def _mixed_charset(data: bytes, rng: random.Random) -> bytes:
    """A stretch of the page re-encoded in another charset (a CMS that pasted a snippet)."""
    text = data.decode("utf-8", "replace")
    start = rng.randrange(len(text))
    end = min(len(text), start + rng.randrange(200, 20_000))
    codec = rng.choice(("cp1252", "shift_jis", "koi8-r", "utf-16-le", "gbk", "big5"))
    middle = ("Ünïcödé ăşţ Привет 日本語 中文 " + text[start:end]).encode(codec, "replace")
    return text[:start].encode("utf-8") + middle + text[end:].encode("utf-8")


_PROLOGUES = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n',
    b'<?xml version="1.0" encoding="utf-16"?>',
    b'<?xml version="1.1" encoding="ISO-8859-1" standalone="yes"?>\r\n',
    b'<?xml version="1.0"?><?xml-stylesheet href="a.xsl"?>\n',
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    b'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
    b'<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE html SYSTEM "file:///etc/passwd">',
    b"<!doctype html><!doctype html><!DOCTYPE>",
    b'\xef\xbb\xbf<?xml version="1.0" encoding="windows-1252"?>',
    b"   \n\n<!-- a comment first -->\n<?php echo 1; ?>",
)


def _wrap_kind(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    kind = rng.choice(("template", "svg", "math", "noscript", "textarea", "xmp", "select",
                       "table", "iframe", "object", "frameset", "plaintext"))
    if kind == "frameset":
        return _wrap_body(data, b'<frameset><frame src="/a"><noframes>',
                          b"</noframes></frameset>"), kind
    if kind == "svg":
        return _wrap_body(data, b"<svg><foreignObject>", b"</foreignObject></svg>"), kind
    return _wrap_body(data, f"<{kind}>".encode(), f"</{kind}>".encode()), kind


def _jsonld(rng: random.Random, kind: int | None = None) -> bytes:
    kind = rng.randrange(6) if kind is None else kind
    if kind == 0:
        payload = "{not json at all, 'single': quotes,,, ]"
    elif kind == 1:  # 1 MB of valid JSON-LD
        payload = json.dumps({"@type": "NewsArticle", "headline": "H",
                              "articleBody": words(rng, 150_000)})
    elif kind == 2:  # deeply nested
        payload = '{"@graph":' * 5_000 + "1" + "}" * 5_000
    elif kind == 3:  # every field of the wrong type
        payload = json.dumps({"@type": ["NewsArticle", 3], "headline": {"a": [1, 2]},
                              "author": [None, 5, {"name": ["x", {"y": 1}]}, "Jane"],
                              "datePublished": [2026], "dateModified": 1e308,
                              "keywords": {"k": 1}, "inLanguage": [], "publisher": 7})
    elif kind == 4:
        payload = json.dumps([{"@type": "NewsArticle", "headline": "H" * 1_000_000}] * 2)
    else:
        payload = '{"@type": "NewsArticle", "headline": "\\ud800 \\u0000 \\uffff"}'
    return f'<script type="application/ld+json">{payload}</script>'.encode()


_ABSURD_DATES = ("0000-00-00", "0000-01-01T00:00:00Z", "99999-12-31", "2026-02-30",
                 "-0001-01-01", "1e20", "99999999999999999999", "2026-13-45T25:61:61+99:00",
                 "Mon, 32 Foo 2026 99:99:99 GMT", "9" * 5_000, "２０２６年１３月３２日", "NaN",
                 "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00")  # UTC overflows


def _absurd_meta(rng: random.Random) -> bytes:
    """Meta tags with absurd values: a few huge ones, or 200 copies of small ones."""
    big = rng.random() < 0.5
    date = rng.choice(_ABSURD_DATES)
    metas = [f'<meta property="article:published_time" content="{date}">',
             f'<meta name="date" content="{rng.choice(_ABSURD_DATES)}">',
             f'<meta property="og:title" content="{"T" * (100_000 if big else 1)}">',
             f'<meta name="author" content="{"By " * (20_000 if big else 2)}">',
             f'<meta name="description" content="{words(rng, 50_000 if big else 1)}">',
             '<meta property="og:url" content="javascript:alert(1)">',
             '<link rel="canonical" href="http://[::1/">',
             f'<meta http-equiv="content-language" content="{"x" * 1_000}">',
             f'<meta name="keywords" content="{",".join(["k"] * (50_000 if big else 3))}">',
             f'<time datetime="{rng.choice(_ABSURD_DATES)}">{rng.choice(_ABSURD_DATES)}</time>']
    rng.shuffle(metas)
    return "".join(metas * (1 if big else 200)).encode()


def _display_none(data: bytes, rng: random.Random) -> bytes:
    if rng.random() < 0.5:
        return re.sub(rb"<([a-zA-Z][a-zA-Z0-9]*)(?=[\s>])", rb'<\1 style="display:none"', data)
    return _in_head(data, b"<style>*{display:none!important}</style>") \
        .replace(b"<body", b"<body hidden", 1)


def _page_mutation(kind: str, data: bytes, rng: random.Random
                   ) -> tuple[bytes | str, str | None, str | None]:
    """``(page, content_type, content_encoding)`` for one mutation of ``data``."""
    ctype: str | None = "text/html"
    if kind == "truncate":
        return data[: rng.randrange(len(data))], ctype, None
    if kind == "truncate_in_tag":
        return _truncate_in(data, rng, b"<", b"<div class='x'"), ctype, None
    if kind == "truncate_in_comment":
        return _truncate_in(data, rng, b"<!--", b"<!-- a comment"), ctype, None
    if kind == "truncate_in_cdata":
        return _truncate_in(data, rng, b"<![CDATA[", b"<![CDATA[ some data"), ctype, None
    if kind == "unclosed":
        start, end = _body_span(data)
        pos = rng.randrange(start, max(start + 1, end))
        tag = rng.choice((b"<!--", b"<![CDATA[", b"<script>", b"<style>", b"<textarea>",
                          b"<title>", b"<xmp>", b"<iframe>", b"<noscript>", b'<a href="'))
        return data[:pos] + tag + data[pos:], ctype, None
    if kind == "byte_flips":
        return _flip(data, rng), ctype, None
    if kind == "controls":
        return _insert_each(data, rng, lambda: bytes([rng.choice(
            (0, 0, 1, 7, 8, 11, 12, 14, 27, 31, 127))]), rng.randint(1, 400)), ctype, None
    if kind == "surrogates":
        text = data.decode("utf-8", "replace")
        spots = sorted(rng.randrange(len(text)) for _ in range(rng.randint(1, 100)))
        for pos in reversed(spots):
            text = text[:pos] + rng.choice(("\ud800", "\udfff", "\udc80\udc81", "\ufffe",
                                             "\uffff", "\U0010ffff")) + text[pos:]
        return text, ctype, None
    if kind == "invalid_utf8":
        return _insert_each(data, rng, lambda: rng.choice(
            (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\x80\x80",
             b"\xe2\x82")), rng.randint(1, 300)), ctype, None
    if kind == "boms":
        bom = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"))
        data = _insert_each(data, rng, lambda: bom, rng.randint(1, 20))
        return (bom + data if rng.random() < 0.5 else data), ctype, None
    if kind == "wrong_charset":
        return _wrong_charset(data, rng)[0], _wrong_charset(data, rng)[1], None
    if kind == "mixed_charset":
        return _mixed_charset(data, rng), ctype, None
    if kind == "prologue":
        return rng.choice(_PROLOGUES) + data, rng.choice(
            (ctype, "application/xhtml+xml", "text/html; charset=utf-16")), None
    if kind == "wrap":
        return _wrap_kind(data, rng)[0], ctype, None
    if kind == "many_html_body":
        return _insert_each(data, rng, lambda: b"<html><head><body>",
                            rng.choice((10, 1_000, 5_000))), ctype, None
    if kind == "deep_nesting":
        depth = rng.choice((300, 3_000, 10_000))
        tag = rng.choice((b"div", b"span", b"b", b"table", b"ul", b"blockquote"))
        start, end = _body_span(data)
        return data[:start] + (b"<" + tag + b">") * depth + data[start:], ctype, None
    if kind == "huge_attribute":
        value = b"x " * rng.choice((500_000, 2_500_000)) if rng.random() < 0.5 else \
            b" ".join(b"c%d" % i for i in range(100_000))
        return data.replace(b"<body", b'<body class="' + value + b'"', 1), ctype, None
    if kind == "huge_text_node":
        start, end = _body_span(data)
        pos = rng.randrange(start, max(start + 1, end))
        node = (b"word " * 1_000_000) if rng.random() < 0.5 else b"x" * 5_000_000
        return data[:pos] + node + data[pos:], ctype, None
    if kind == "jsonld":
        return _in_head(data, _jsonld(rng)), ctype, None
    if kind == "absurd_meta":
        return _in_head(data, _absurd_meta(rng)), ctype, None
    if kind == "display_none":
        return _display_none(data, rng), ctype, None
    if kind == "entities":
        return _insert_each(data, rng, lambda: rng.choice(
            (b"&#0;", b"&#xD800;", b"&#1114112;", b"&#99999999999;", b"&amp;" * 10_000,
             b"&nbsp;" * 5_000, b"&#x;", b"&")), rng.randint(1, 50)), ctype, None
    if kind == "gzip":
        packed = gzip.compress(data, 1, mtime=0)
        cut = rng.choice((len(packed) // 2, len(packed) - 4, 20, 0))
        return packed[:cut] if cut else _flip(packed, rng), ctype, "gzip"
    raise ValueError(kind)


PAGE_MUTATIONS = ("truncate", "truncate_in_tag", "truncate_in_comment", "truncate_in_cdata",
                  "unclosed", "byte_flips", "controls", "surrogates", "invalid_utf8", "boms",
                  "wrong_charset", "mixed_charset", "prologue", "wrap", "many_html_body",
                  "deep_nesting", "huge_attribute", "huge_text_node", "jsonld", "absurd_meta",
                  "display_none", "entities", "gzip")


def page_cases(pages: list[tuple[str, bytes]], seed: int, per_page: int,
               kinds: tuple[str, ...] = PAGE_MUTATIONS) -> Iterator[Case]:
    """``per_page`` mutations of each page (kinds in turn, from a seeded offset)."""
    offset = rng_for(seed, "offset").randrange(len(kinds))
    for index, (name, data) in enumerate(pages):
        for k in range(per_page):
            kind = kinds[(offset + index * per_page + k) % len(kinds)]
            page, ctype, encoding = _page_mutation(kind, data, rng_for(seed, name, kind, str(k)))
            yield Case(f"{name}/{kind}#{k}", "extract", page, ctype, encoding)


# -- hand-built hostile pages ------------------------------------------------------------

def hostile_pages(seed: int) -> Iterator[Case]:
    """Synthetic pages, each one hostile in one way, around a plain ~320-word article."""
    rng = rng_for(seed, "hostile")
    plain = article_page(rng)
    cases: dict[str, str | bytes] = {
        "nesting-10000-div": plain.replace("<article>", "<article>" + "<div>" * 10_000),
        "nesting-10000-div-closed": plain.replace(
            "<article>", "<article>" + "<div>" * 10_000 + "<p>deep</p>" + "</div>" * 10_000),
        "nesting-5000-inline": plain.replace("<p>", "<p>" + "<b><i>" * 2_500, 1),
        "nesting-10000-before-article": plain.replace("<body>", "<body>" + "<div>" * 10_000),
        "text-node-5MB-words": plain.replace("</h1>", "</h1><p>" + "word " * 1_000_000 + "</p>"),
        "text-node-5MB-one-word": plain.replace("</h1>", "</h1><p>" + "x" * 5_000_000 + "</p>"),
        "text-node-5MB-no-tags": "word " * 1_000_000,
        "attribute-1MB": plain.replace("<article>", f'<article data-x="{"y" * 1_000_000}">'),
        "class-100k-words": plain.replace(
            "<article>", f'<article class="{" ".join(f"c{i}" for i in range(100_000))}">'),
        "attributes-10000": plain.replace(
            "<article>", "<article " + " ".join(f"a{i}=v" for i in range(10_000)) + ">"),
        "html-body-each-paragraph": plain.replace("<p>", "<html><body><p>"),
        "html-body-x5000": "<html><body>" * 5_000 + plain,
        "title-100k-separators": plain.replace(
            "<title>A model was released</title>",
            "<title>" + "A model | " * 10_000 + "</title>"),
        "title-1MB": plain.replace("A model was released</title>", "T" * 1_000_000 + "</title>"),
        "h1-x5000": plain.replace("<h1>", "<h1>x</h1>" * 5_000 + "<h1>"),
        "authors-x10000": plain.replace("<title>", '<meta name="author" content="Jane Doe">'
                                        * 10_000 + "<title>"),
        "byline-1MB": plain.replace("</h1>", "</h1><p class='byline'>By " + "Jane, " * 200_000
                                    + "</p>"),
        "jsonld-1MB": plain.replace("</head>", _jsonld_text(rng, 1) + "</head>"),
        "jsonld-not-json": plain.replace("</head>", _jsonld_text(rng, 0) + "</head>"),
        "jsonld-deep": plain.replace("</head>", _jsonld_text(rng, 2) + "</head>"),
        "jsonld-wrong-types": plain.replace("</head>", _jsonld_text(rng, 3) + "</head>"),
        "jsonld-x2000": plain.replace("</head>", _jsonld_text(rng, 3) * 2_000 + "</head>"),
        "meta-absurd": plain.replace("</head>", _absurd_meta(rng).decode() + "</head>"),
        "meta-absurd-x200": plain.replace("</head>", _absurd_meta(rng).decode() * 200
                                          + "</head>"),
        "dates-year-0-and-99999": plain.replace("</h1>", "</h1><time datetime='0000-01-01'>"
                                                "January 1, 0</time><time datetime='99999-01-01'>"
                                                "January 1, 99999</time>"),
        "display-none-everything": _display_none(plain.encode(), rng_for(seed, "dn", "0")),
        "display-none-css": _display_none(plain.encode(), rng_for(seed, "dn", "1")),
        "frameset": '<html><frameset cols="50%,50%"><frame src="a.html"><frame src="b.html">'
                    "<noframes>" + plain + "</noframes></frameset></html>",
        "iframe-srcdoc": plain.replace(
            "<article>", f'<iframe srcdoc="{plain.replace(chr(34), "")}"></iframe><article>'),
        "template-wrapped": plain.replace("<article>", "<template><article>")
                                 .replace("</article>", "</article></template>"),
        "svg-wrapped": plain.replace("<article>", "<svg><article>")
                            .replace("</article>", "</article></svg>"),
        "math-wrapped": plain.replace("<article>", "<math><article>")
                             .replace("</article>", "</article></math>"),
        "noscript-wrapped": plain.replace("<article>", "<noscript><article>")
                                 .replace("</article>", "</article></noscript>"),
        "xml-declaration-utf16": '<?xml version="1.0" encoding="utf-16"?>' + plain,
        "xhtml-namespaced": plain.replace("<html>", '<html xmlns="http://www.w3.org/1999/xhtml"'
                                          ' xmlns:x="urn:x"><x:y/>'),
        "entity-bomb-doctype": '<!DOCTYPE html [<!ENTITY a "' + "a" * 100 + '">' + "".join(
            f'<!ENTITY {c}{i} "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' for i, c in enumerate("bcdefg"))
            + "]>" + plain.replace("</h1>", "</h1><p>&g5;</p>"),
        "br-x100000": plain.replace("</h1>", "</h1>" + "<br>" * 19_000),
        "pre-one-line-5MB": plain.replace("</h1>", "</h1><pre>" + "code " * 1_000_000 + "</pre>"),
        "comments-x20000": plain + "<!-- x -->" * 19_000,
        "cdata-x20000": plain + "<![CDATA[x]]>" * 19_000,
        "table-10000-cells": plain.replace("</h1>", "</h1><table><tr>" + "<td>cell text</td>"
                                           * 9_000 + "</tr></table>"),
        "links-19000": plain.replace("</article>", "</article>" + "<a href='/x'>link</a>"
                                     * 19_000),
        "paragraph-words-200k": plain.replace("</h1>", "</h1><p>" + words(rng, 200_000)
                                              + "</p>"),
        "lines-of-one-char-x19000": plain.replace("</h1>", "</h1>" + "<p>a</p>" * 19_000),
        "repeated-paragraph-x15000": plain.replace(
            "</h1>", "</h1>" + "<p>The same sentence about the model is here.</p>" * 15_000),
        "long-url": plain.replace("<a href='/'>", f"<a href='/{'a' * 1_000_000}'>"),
        "base-href-bad": plain.replace("<head>", "<head><base href='http://[::1/'>"),
        "empty-elements-only": "<html><body>" + "<div></div>" * 19_000 + "</body></html>",
        "whitespace-10MB": " " * 9_000_000,
        "nul-page": "\x00" * 100_000,
        "utf16-no-bom": plain.encode("utf-16-le"),
        "utf32-bom": plain.encode("utf-32"),
        "binary-png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4_000,
        "bidi-and-zero-width": plain.replace(" the ", " \u202e\u200b\u2066the\u2069\ufeff "),
    }
    for name, data in cases.items():
        yield Case(f"hostile/{name}", "extract", data)


def _jsonld_text(rng: random.Random, kind: int) -> str:
    return _jsonld(rng, kind).decode()


def scaled_pages(size: int) -> dict[str, str]:
    """Pages that grow with ``size``, to see whether time grows linearly."""
    rng = rng_for(0, "scaled")
    plain = article_page(rng)
    return {
        "nested divs": plain.replace("<article>", "<article>" + "<div>" * size),
        "text node": plain.replace("</h1>", "</h1><p>" + "word " * (100 * size) + "</p>"),
        "one word": plain.replace("</h1>", "</h1><p>" + "x" * (500 * size) + "</p>"),
        "class words": plain.replace(
            "<article>", f'<article class="{" ".join(f"c{i}" for i in range(10 * size))}">'),
        "distinct paragraphs": plain.replace("</h1>", "</h1>" + "".join(
            f"<p>Paragraph {i} says {words(rng, 8)}.</p>" for i in range(size // 2))),
        "same paragraph": plain.replace("</h1>", "</h1>" + "<p>The same sentence.</p>"
                                        * (size // 2)),
        "title separators": plain.replace("<title>", "<title>" + "A | " * size),
        "meta authors": plain.replace("<title>", '<meta name="author" content="J D">' * size
                                      + "<title>"),
        "byline names": plain.replace("</h1>", "</h1><p class='byline'>By " + "Jane Doe, "
                                      * size + "</p>"),
        "json-ld graph": plain.replace("</head>", '<script type="application/ld+json">'
                                       + json.dumps({"@graph": [{"@type": "Person", "name": "x"}]
                                                     * size}) + "</script></head>"),
        "h1 headings": plain.replace("<h1>", "<h1>x</h1>" * (size // 2) + "<h1>"),
        "<br> runs": plain.replace("</h1>", "</h1><p>" + "a<br>" * (size // 2) + "</p>"),
    }
