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
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from benchmarks.encoding_pages import URL, Case, body_right, cases, normalise

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(RUNNERS), action="append",
                        help="run only these (repeatable); default all")
    parser.add_argument("--failures", action="store_true", help="list the wrong cases")
    args = parser.parse_args()
    run(args.only or list(RUNNERS), args.failures)


if __name__ == "__main__":
    main()
