"""Our date parser against dateparser as the low-level parser, on metadata-bench.

Issue 14 asked to hand date parsing to an installed library where the benchmark does not get
worse. This measures it: the page-level date (``metadata.py``'s candidates and plausibility
rules unchanged) with ``dates.parse_date`` as it is, replaced by ``dateparser.parse``, and
ours with dateparser as a fallback; then the CPU a string for every distinct string the
extraction handed to the parser, and the strings where the two read another day. Not part
of CI. Run from the checkout::

    .venv/bin/python -m benchmarks.dates
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from ainews.scraper.extraction import dates
from benchmarks import metadata

Parser = Callable[[str | None], datetime | None]
_OURS: Parser = dates.parse_date
#: dateparser read as our parser is: aware, in UTC, nothing from the clock for missing parts.
_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": True, "TIMEZONE": "UTC", "TO_TIMEZONE": "UTC",
             "PREFER_DATES_FROM": "past"}


def dateparser_parse(text: str | None) -> datetime | None:
    import dateparser

    text = (text or "").strip()
    if not text or len(text) > 200:  # the same guard as ours: prose is not a date value
        return None
    value = dateparser.parse(text, settings=_SETTINGS)
    return value.astimezone(UTC) if value else None


def ours_then_dateparser(text: str | None) -> datetime | None:
    return _OURS(text) or dateparser_parse(text)


def page_dates(parser: Parser, pages: list, record: list[str] | None = None) -> tuple[int, int]:
    """Pages whose extracted date is the truth's day, and pages with a true date."""

    def parse(text: str | None) -> datetime | None:
        if record is not None:
            record.append(text or "")
        return parser(text)

    dates.parse_date = parse  # metadata.py calls dates.parse_date at run time
    try:
        hits = total = 0
        for page_id, truth, html in pages:
            if truth.get("published"):
                pred = metadata.ours(html, truth.get("url") or f"https://example.com/{page_id}")
                total += 1
                hits += metadata.date_ok(truth["published"], pred.published)
        return hits, total
    finally:
        dates.parse_date = _OURS


def cpu_per_string(parser: Parser, strings: list[str], repeat: int = 3) -> float:
    start = time.process_time()
    for _ in range(repeat):
        for text in strings:
            parser(text)
    return (time.process_time() - start) / (repeat * len(strings))


def main() -> None:
    pages = metadata.load_pages()
    seen: list[str] = []
    rows = [("ours (dates.parse_date)", *page_dates(_OURS, pages, seen))]
    rows += [(name, *page_dates(parser, pages)) for name, parser in (
        ("dateparser.parse", dateparser_parse), ("ours, then dateparser", ours_then_dateparser))]
    strings = list(dict.fromkeys(seen))
    print(f"{len(pages)} pages from {metadata.bench_dir()}; {len(strings)} distinct strings "
          f"parsed ({len(seen)} calls, {len(seen) / len(pages):.1f} a page)")
    for name, hits, total in rows:
        print(f"  page date right: {name:26} {hits}/{total} = {hits / total:.3f}")
    ours_us = cpu_per_string(_OURS, strings) * 1e6
    theirs_us = cpu_per_string(dateparser_parse, strings) * 1e6
    print(f"  CPU a string: ours {ours_us:.0f} us, dateparser {theirs_us:.0f} us "
          f"({theirs_us / ours_us:.0f}x); a page's calls: ours "
          f"{ours_us * len(seen) / len(pages) / 1000:.2f} ms, dateparser "
          f"{theirs_us * len(seen) / len(pages) / 1000:.2f} ms")
    differ = [(s, a, b) for s in strings
              if ((a := _OURS(s)) and a.astimezone(UTC).date()) != ((b := dateparser_parse(s))
                                                                    and b.date())]
    print(f"  strings read as another UTC day: {len(differ)} of {len(strings)}")
    for text, a, b in differ:
        print(f"    {text[:60]!r}: ours {a and a.isoformat()}, dateparser {b and b.isoformat()}")


if __name__ == "__main__":
    main()
