"""Encoding bench: hand-built multilingual pages (``benchmarks/encoding_pages.py``) with
right, wrong, missing and junk charset declarations, decoded by us and by peers.

Run from the checkout: ``python -m benchmarks.encodings [--failures]``. A case is right
when every paragraph of the article is in the body exactly (whitespace aside); the title
must match exactly too. Columns:

- ``ours``: ``extract(raw, url, content_type=header).body`` and ``.title``;
- ``crawl``: ``ainews.scraper.cleaning.clean`` on a ``FetchedPage`` carrying the header,
  which is what the spider hands the cleaning workers (the response's bytes, not
  Scrapy's ``response.text``);
- ``scrapy``: Scrapy's own ``HtmlResponse(...).text`` (w3lib's decoding), for comparison;
- ``trafilatura``: ``trafilatura.bare_extraction(raw)`` body and title (its API takes no
  header, so it sees what the bytes and the page declare).

A second table re-encodes the real pages of ``$AINEWS_SHARED`` (extraction and metadata
benches) in legacy charsets: held-out markup and text the rules were not written on,
decoded by us, by w3lib's ``html_to_unicode`` (Scrapy's ``response.text``) and by
trafilatura's loader (``decode_file``).
"""

from __future__ import annotations

import argparse
import gzip
import re
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from ainews.scraper.paths import shared_dir
from benchmarks.encoding_pages import URL, Case, body_right, cases, header, normalise

Check = Callable[[Case], tuple[bool, bool]]  # (body right, title right)


def ours(case: Case) -> tuple[bool, bool]:
    from ainews.scraper.extraction import extract

    article = extract(case.raw, URL, content_type=case.content_type)
    return body_right(article.body, case.text), article.title == case.text.title


def crawl(case: Case) -> tuple[bool, bool]:
    from ainews.scraper.cleaning import clean
    from ainews.scraper.items import FetchedPage

    page = FetchedPage(url=URL, requested_url=URL, site="bench", status=200,
                       content_type=case.content_type, body=case.raw,
                       fetched_at="2026-12-01T00:00:00Z")
    article = clean(page)
    if isinstance(article, str):  # a skip reason
        return False, False
    return body_right(article.body, case.text), article.title == case.text.title


def scrapy_text(case: Case) -> tuple[bool, bool]:
    from scrapy.http import HtmlResponse

    headers = {"Content-Type": case.content_type} if case.content_type else {}
    text = normalise(HtmlResponse(URL, body=case.raw, headers=headers).text)
    return (all(normalise(p) in text for p in case.text.paragraphs),
            f"<title>{case.text.title}</title>" in text)


def trafilatura(case: Case) -> tuple[bool, bool]:
    import trafilatura as traf

    doc = traf.bare_extraction(case.raw, url=URL, with_metadata=True, favor_precision=True)
    if doc is None:
        return False, False
    return body_right(doc.text or "", case.text), (doc.title or "") == case.text.title


RUNNERS: dict[str, Check] = {"ours": ours, "crawl": crawl, "scrapy": scrapy_text,
                             "trafilatura": trafilatura}


def run(names: list[str], show_failures: bool) -> None:
    all_cases = cases()
    right: dict[str, Counter[str]] = defaultdict(Counter)  # "runner body|title" -> kind
    errors: Counter[str] = Counter()
    seconds: Counter[str] = Counter()
    totals = Counter(case.kind for case in all_cases)
    for case in all_cases:
        for name in names:
            start = time.perf_counter()
            try:
                body_ok, title_ok = RUNNERS[name](case)
            except Exception as error:  # noqa: BLE001 - a bench counts what raises
                errors[name] += 1
                body_ok = title_ok = False
                if show_failures:
                    print(f"  {name} raised on {case.name}: {error!r}")
            seconds[name] += time.perf_counter() - start
            right[f"{name} body"][case.kind] += body_ok
            right[f"{name} title"][case.kind] += title_ok
            if show_failures and not body_ok:
                print(f"  {name} body wrong: {case.name}")
    columns = [f"{n} {part}" for n in names for part in ("body", "title")]
    languages = {case.text.lang for case in all_cases}
    print(f"{len(all_cases)} pages, {len(languages)} languages")
    print(f"{'class':34} {'pages':>5} " + " ".join(f"{c:>17}" for c in columns))
    for kind, total in totals.items():
        cells = " ".join(f"{right[c][kind]:>17}" for c in columns)
        print(f"{kind:34} {total:>5} {cells}")
    cells = " ".join(f"{sum(right[c].values()):>17}" for c in columns)
    print(f"{'all':34} {len(all_cases):>5} {cells}")
    for name in names:
        print(f"{name}: {errors[name]} raised, {seconds[name] * 1000 / len(all_cases):.1f} ms "
              "per page")


#: The charsets a real page is re-encoded in, by the script most of its non-ASCII letters
#: are in (English pages count under the script of their few non-ASCII letters).
REENCODE = {"CYRILLIC": ("cp1251", "koi8_r"), "CJK": ("gb18030", "big5"),
            "HIRAGANA": ("shift_jis", "euc_jp"), "KATAKANA": ("shift_jis",),
            "HANGUL": ("cp949",), "GREEK": ("cp1253",), "ARABIC": ("cp1256",),
            "HEBREW": ("cp1255",), "THAI": ("cp874",), "LATIN": ("cp1252", "cp1250")}
_META_CHARSET = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)


def _script(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for ch in text:
        if ch >= "\x80" and ch.isalpha():
            name = unicodedata.name(ch, "").split(" ")[0]
            if name in REENCODE:
                counts[name] += 1
    return counts.most_common(1)[0][0] if counts else None


def real_pages(shared: Path) -> None:
    """Held-out check on real markup: every page of the extraction and metadata benches,
    decoded, its <meta> charsets removed, encoded in its script's legacy charsets (what
    a charset cannot hold as character references) and served undeclared, declared right
    and declared ISO-8859-1 in the header. Right = the decoded text is exactly the text."""
    from trafilatura.utils import decode_file
    from w3lib.encoding import html_to_unicode

    from ainews.scraper.extraction.charset import decode_html

    decoders = {
        "ours": decode_html,
        "scrapy": lambda raw, ct: html_to_unicode(ct, raw)[1],
        "trafilatura": lambda raw, ct: decode_file(raw),
    }
    files = sorted((shared / "extraction-bench" / "html").glob("*.gz")) + \
        sorted((shared / "metadata-bench" / "html").glob("*.gz"))
    right: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for path in files:
        text = _META_CHARSET.sub("", decode_html(gzip.decompress(path.read_bytes())))
        if (script := _script(text)) is None:
            continue
        for codec in REENCODE[script]:
            raw = text.encode(codec, "xmlcharrefreplace")
            want = raw.decode(codec)
            for how, content_type in (("undeclared", None), ("right", header(codec)),
                                      ("iso-8859-1", header("iso-8859-1"))):
                row = f"{script.lower()} {codec} {how}"
                totals[row] += 1
                for name, decode in decoders.items():
                    right[name][row] += decode(raw, content_type) == want
    print(f"\nreal pages re-encoded ({len(files)} pages of the extraction and metadata "
          "benches; right = exact text)")
    print(f"{'script, charset, declaration':34} {'cases':>5} " +
          " ".join(f"{name:>12}" for name in decoders))
    for row, total in sorted(totals.items()):
        print(f"{row:34} {total:>5} " + " ".join(f"{right[n][row]:>12}" for n in decoders))
    print(f"{'all':34} {sum(totals.values()):>5} " +
          " ".join(f"{sum(right[n].values()):>12}" for n in decoders))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RUNNERS), action="append",
                        help="run only these (repeatable); default all")
    parser.add_argument("--failures", action="store_true", help="list the wrong cases")
    parser.add_argument("--no-real", action="store_true",
                        help="skip the real pages re-encoded in legacy charsets")
    args = parser.parse_args()
    run(args.only or list(RUNNERS), args.failures)
    if not args.no_real and (shared_dir() / "extraction-bench").is_dir():
        real_pages(shared_dir())


if __name__ == "__main__":
    main()
