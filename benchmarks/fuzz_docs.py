"""The non-page inputs of ``benchmarks/fuzz.py``: feeds and sitemaps, robots.txt, WARC files
and sites files, built from the shared pages' URLs and mutated with a seed."""

from __future__ import annotations

import gzip
import io
import json
import math
import random
import re
from collections.abc import Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from benchmarks.fuzz_cases import Case, rng_for, words

_DATES = ("2026-03-30T12:00:00Z", "Mon, 30 Mar 2026 12:00:00 GMT", "0000-00-00", "99999-01-01",
          "2026-02-30", "", "1e20", "9" * 2_000, "-1", "2026-03-30T25:00:00+99:00",
          # valid in their zone, past datetime's range in UTC (OverflowError)
          "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+14:00", "3000-01-01")


def _feed_docs(urls: list[str], rng: random.Random) -> dict[str, bytes]:
    def date() -> str:
        return escape(rng.choice(_DATES))

    items = "".join(f"<item><title>{escape(words(rng, 6))}</title><link>{escape(u)}</link>"
                    f"<pubDate>{date()}</pubDate><guid>{escape(u)}</guid></item>" for u in urls)
    entries = "".join(f'<entry><title>t</title><link rel="alternate" href="{escape(u)}"/>'
                      f"<updated>{date()}</updated></entry>" for u in urls)
    locs = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{date()}</lastmod></url>" for u in urls)
    news = "".join(f"<url><loc>{escape(u)}</loc><news:news><news:publication_date>{date()}"
                   f"</news:publication_date><news:title>t</news:title></news:news></url>"
                   for u in urls)
    index = "".join(f"<sitemap><loc>{escape(u)}.xml</loc></sitemap>" for u in urls)
    sm = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    texts = {
        "rss": f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>',
        "atom": f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>',
        "urlset": f"<urlset {sm}>{locs}</urlset>",
        "news": f'<urlset {sm} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"{news}</urlset>",
        "index": f"<sitemapindex {sm}>{index}</sitemapindex>",
    }
    return {name: text.encode() for name, text in texts.items()}


def _xml_mutation(kind: str, doc: bytes, rng: random.Random) -> bytes:
    if kind == "truncate":
        return doc[: rng.randrange(len(doc) + 1)]
    if kind == "byte_flips":
        out = bytearray(doc)
        for _ in range(rng.randint(1, 40)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind == "controls":
        for _ in range(rng.randint(1, 50)):
            pos = rng.randrange(len(doc))
            doc = doc[:pos] + bytes([rng.choice((0, 1, 8, 11, 27))]) + doc[pos:]
        return doc
    if kind == "utf16":
        return doc.decode().encode(rng.choice(("utf-16", "utf-16-le", "utf-32")))
    if kind == "bom_and_space":
        return b"\n\n  \xef\xbb\xbf" + doc
    if kind == "entity_bomb":
        bomb = b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((c,) + (c - 1,) * 10)
            for c in range(ord("b"), ord("k"))) + b"]>"
        return re.sub(rb"<\?xml[^>]*\?>", b"", doc).replace(b"<loc>", b"<loc>&j;", 1) \
            .replace(b"<link>", b"<link>&j;", 1).join((bomb, b""))
    if kind == "xxe":
        return b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + re.sub(
            rb"<\?xml[^>]*\?>", b"", doc).replace(b"<loc>", b"<loc>&x;", 1)
    if kind == "deep":
        depth = rng.choice((300, 10_000))
        return doc.replace(b"<loc>", b"<x>" * depth + b"<loc>", 1)
    if kind == "huge_text":
        return doc.replace(b"<loc>", b"<loc>" + b"a" * 5_000_000, 1).replace(
            b"<title>", b"<title>" + b"t " * 2_500_000, 1)
    if kind == "many_entries":
        start = doc.find(b"><", doc.find(b"<", 1)) + 1
        end = doc.rfind(b"</")
        return doc[:start] + doc[start:end] * rng.choice((200, 2_000)) + doc[end:]
    if kind == "cdata_and_comments":
        return doc.replace(b"<loc>", b"<loc><![CDATA[").replace(b"</loc>", b"]]></loc>") \
            .replace(b"<link>", b"<link><!-- c -->")
    if kind == "gzip":
        packed = gzip.compress(doc, mtime=0)
        return packed[: rng.randrange(len(packed) + 1)]
    if kind == "html_instead":
        return b"<!DOCTYPE html><html><body><h1>Not found</h1>" + doc + b"</body></html>"
    if kind == "bad_urls":
        return re.sub(rb"https?://", lambda _: rng.choice(
            (b"javascript:", b"http://[::1", b"http://" + b"a" * 70_000 + b".", b"//", b" ",
             b"file:///", b"http://x:99999/", b"http://\xe2\x80\xae.com/")), doc)
    raise ValueError(kind)


XML_MUTATIONS = ("truncate", "byte_flips", "controls", "utf16", "bom_and_space", "entity_bomb",
                 "xxe", "deep", "huge_text", "many_entries", "cdata_and_comments", "gzip",
                 "html_instead", "bad_urls")


def discovery_cases(urls: list[str], seed: int, per_kind: int) -> Iterator[Case]:
    """Feeds and sitemaps listing ``urls``, mutated ``per_kind`` times in each way."""
    docs = _feed_docs(urls[:50], rng_for(seed, "feeds"))
    for doc_name, doc in docs.items():
        yield Case(f"feed/{doc_name}/as-is", "discovery", doc)
        for kind in XML_MUTATIONS:
            for k in range(per_kind):
                rng = rng_for(seed, doc_name, kind, str(k))
                yield Case(f"feed/{doc_name}/{kind}#{k}", "discovery",
                           _xml_mutation(kind, doc, rng))


def robots_cases(seed: int, per_kind: int) -> Iterator[Case]:
    """robots.txt files: a plain one mutated, and hostile ones."""
    plain = (b"User-agent: *\nDisallow: /private/\nAllow: /private/ok\nCrawl-delay: 2\n"
             b"Sitemap: https://news.example.com/sitemap.xml\n\nUser-agent: ainews\n"
             b"Disallow: /*.pdf$\n")
    hostile = {
        "wildcards": b"User-agent: *\nDisallow: /" + b"*a" * 5_000 + b"b\n",
        "wildcards-x1000": b"User-agent: *\n" + b"Disallow: /*a*a*a*a*a*a*a*a*b$\n" * 1_000,
        "lines-200000": b"User-agent: *\n" + b"Disallow: /x\n" * 200_000,
        "line-5MB": b"User-agent: *\nDisallow: /" + b"a" * 5_000_000 + b"\n",
        "crawl-delay-absurd": b"User-agent: *\nCrawl-delay: 1e309\nRequest-rate: 0/0\n",
        "binary": bytes(range(256)) * 100,
        "utf16": plain.decode().encode("utf-16"),
        "html": b"<html><body>Not found</body></html>",
        "percent-junk": b"User-agent: *\nDisallow: /%zz%\xff%%\nAllow: /%E2%82\n",
        "empty": b"",
    }
    for name, body in hostile.items():
        yield Case(f"robots/{name}", "robots", body)
    for kind in ("truncate", "byte_flips", "controls", "utf16", "bom_and_space"):
        for k in range(per_kind):
            yield Case(f"robots/{kind}#{k}", "robots",
                       _xml_mutation(kind, plain, rng_for(seed, "robots", kind, str(k))))


def warc_cases(pages: list[tuple[str, bytes]], seed: int, per_kind: int) -> Iterator[Case]:
    """A small WARC file of real pages, damaged in several ways."""
    from ainews.scraper.warc.pages import ArchivePage, write_warc

    archives: dict[str, bytes] = {}
    for compress in (True, False):
        out = io.BytesIO()
        write_warc(out, [ArchivePage(url, body) for url, body in pages[:4]], compress=compress)
        archives["gz" if compress else "plain"] = out.getvalue()
    for name, data in archives.items():
        yield Case(f"warc/{name}/as-is", "warc", data)
        for kind in ("truncate", "byte_flips", "controls", "splice", "header_junk",
                     "header_bomb"):
            for k in range(per_kind):
                rng = rng_for(seed, "warc", name, kind, str(k))
                yield Case(f"warc/{name}/{kind}#{k}", "warc", _warc_mutation(kind, data, rng))


def _warc_mutation(kind: str, data: bytes, rng: random.Random) -> bytes:
    if kind == "splice":  # a stretch of the file repeated elsewhere
        a, b = sorted(rng.randrange(len(data)) for _ in range(2))
        pos = rng.randrange(len(data))
        return data[:pos] + data[a:b] + data[pos:]
    if kind == "header_junk":  # absurd header values in plain records
        return data.replace(b"Content-Length: ", rng.choice(
            (b"Content-Length: -5", b"Content-Length: 99999999999999999999",
             b"Content-Length: x", b"Content-Length:  ", b"X: "))).replace(
            b"WARC-Date: ", rng.choice((b"WARC-Date: 0000-", b"WARC-Date: 99999-",
                                        b"WARC-Date: \xff",
                                        b"WARC-Date: 9999-12-31T23:59:59-05:00 "))).replace(
            b"HTTP/1.1 200", rng.choice((b"HTTP/1.1 999999999999999", b"HTTP/1.1 abc",
                                         b"HTTP/1.1", b"ICY 200")))
    if kind == "header_bomb":  # one HTTP header line of MBs (plain records: as written)
        return data.replace(b"\r\nContent-Type: text/html", b"\r\nX-Big: "
                            + b"a" * rng.choice((200_000, 3_000_000))
                            + b"\r\nContent-Type: text/html", 1)
    return _xml_mutation(kind, data, rng)


def dedupe_cases(seed: int, per_kind: int) -> Iterator[Case]:
    """``ainews dedupe`` input: a JSON Lines corpus, damaged and given hostile lines."""
    rng = rng_for(seed, "dedupe")
    lines = [json.dumps({"id": f"d{i}", "text": words(rng, 80), "title": words(rng, 6),
                         "url": f"https://news.example.com/{i}",
                         "published_at": "2026-03-30T12:00:00+00:00"}) for i in range(30)]
    corpus = ("\n".join(lines) + "\n").encode()
    yield Case("dedupe/as-is", "dedupe", corpus)
    for kind in ("truncate", "byte_flips", "controls", "hostile_line"):
        for k in range(per_kind):
            rng = rng_for(seed, "dedupe", kind, str(k))
            if kind == "hostile_line":
                for n, line in enumerate(_HOSTILE_LINES):
                    pos = rng.randrange(len(lines) + 1)
                    data = "\n".join(lines[:pos]).encode() + b"\n" + line + b"\n" \
                        + "\n".join(lines[pos:]).encode()
                    yield Case(f"dedupe/hostile_line-{n}#{k}", "dedupe", data)
            else:
                yield Case(f"dedupe/{kind}#{k}", "dedupe", _xml_mutation(kind, corpus, rng))


_HOSTILE_LINES = (
    b'{"id": ' + b"9" * 5_000 + b', "text": "x"}', b'{"id": 1e999, "text": "x"}',
    b'{"id": "n", "text": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b'{"id": "s\\ud800", "text": "x"}', b'{"id": "t", "text": "\\udc00 lone"}',
    b'{"id": "c", "text": "caf\xe9"}', b"\xef\xbb\xbf" + b'{"id": "bom", "text": "x"}',
    b'{"id": NaN, "text": "x"}', b'{"id": "w", "text": ["a"]}', b'{"id": "", "text": "x"}',
    b'{"id": true, "text": "x"}', b"[1, 2]", b'"text"', b"{", b"\x00" * 100,
    b'{"id": "big", "text": "' + b"word " * 400_000 + b'"}',
    b'{"id": "d0", "text": "a duplicate id"}',
    b'{"id": "u", "text": "x", "url": 5, "published_at": {"a": 1}}',
)


_GOOD_SITE = {"name": "a-site", "domains": ["news.example.com"],
              "feeds": ["https://news.example.com/feed.xml"]}
_WRONG_VALUES = (None, 1, -1, 10**30, 1.5, float("nan"), float("inf"), True, "", " ", "x",
                 "\x00", [], [1], [""], [None], ["http://[::1/"], "http://[::1/", {}, {"a": 1},
                 [[]], [{}], datetime(2026, 1, 1), "https://news.example.com:99999/",
                 "https://news.example.com:0/", "https://news.example.com:-1/",
                 "(a+)+$", "[", "a" * 100_000, ["https://" + "a" * 70_000 + ".com/"])


def _toml(value: object) -> str:
    """A TOML value (``json.dumps`` escapes a string the way TOML's basic strings read it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else "inf"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _toml_file(settings: dict, site: dict) -> str:
    lines = ["[settings]", *(f"{k} = {_toml(v)}" for k, v in settings.items()), "",
             "[[site]]", *(f"{k} = {_toml(v)}" for k, v in site.items())]
    return "\n".join(lines) + "\n"


def sites_cases(seed: int) -> Iterator[Case]:
    """Sites files (as TOML text) with one value of a wrong type or shape at a time, plus
    mutated TOML."""
    keys = [("site", k) for k in (*_GOOD_SITE, "sitemaps", "listings", "article_pattern",
                                   "language", "site_name")]
    keys += [("settings", k) for k in ("user_agent", "download_delay", "allow_private",
                                       "warc_dir")]
    for where, key in keys:
        for i, value in enumerate(_WRONG_VALUES):
            if isinstance(value, list) and None in value:
                continue  # TOML has no null
            settings: dict = {}
            site = dict(_GOOD_SITE)
            table = site if where == "site" else settings
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
            yield Case(f"sites/{where}.{key}={i}", "sites", _toml_file(settings, site))
    plain = _toml_file({"download_delay": 1.0}, _GOOD_SITE).encode()
    for kind in ("truncate", "byte_flips", "controls", "utf16", "bom_and_space"):
        for k in range(5):
            yield Case(f"sites/{kind}#{k}", "sites",
                       _xml_mutation(kind, plain, rng_for(seed, "sites", kind, str(k))))
    yield Case("sites/deep-arrays", "sites", b"[[site]]\nname = 'a'\ndomains = "
               + b"[" * 10_000 + b"]" * 10_000)
    yield Case("sites/huge", "sites", b"[[site]]\n" + b"x = 1\n" * 200_000)
