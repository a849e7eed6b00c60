"""Hostile pages: how long ``extract()`` takes on each, ours against trafilatura alone.

Run from the checkout: ``python -m benchmarks.pathological [--peer-timeout 30]``.
Every page must finish (stored, or refused as ``too_complex``) in a few seconds; the peer
runs in a child process that is killed after ``--peer-timeout`` seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable

from ainews.scraper.extraction import TooComplex, extract

URL = "https://news.example.com/2026/03/story"
LINE = "<p>The same short paragraph is repeated here again.</p>"


def _article(inner: str) -> str:
    return f"<html><body><article><h1>A title</h1>{inner}</article></body></html>"


PAGES: dict[str, Callable[[], str]] = {
    "1M tiny paragraphs (8 MB)": lambda: "<html><body>" + "<p>x</p>" * 1_000_000,
    "10,000 identical paragraphs": lambda: _article(LINE * 10_000),
    "19,900 distinct paragraphs": lambda: _article("".join(
        f"<p>Paragraph {i} says something about models {i * 7}.</p>" for i in range(19_900))),
    "500,000 lines in one <pre>": lambda: _article("<pre>" + "a line\n" * 500_000 + "</pre>"),
}


def ours(html: str) -> str:
    try:
        article = extract(html, URL)
    except TooComplex:
        return "too_complex"
    return f"stored, {len(article.body.split()):,} words"


def peer(html: str) -> str:
    import trafilatura

    return f"{len((trafilatura.extract(html, url=URL) or '').split()):,} words"


def _timed(fn: Callable[[str], str], html: str, timeout: float) -> tuple[float, str]:
    """``fn(html)`` in a child process, killed after ``timeout`` seconds."""
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        job = pool.apply_async(fn, (html,))
        try:
            outcome = job.get(timeout)
        except multiprocessing.TimeoutError:
            return timeout, "killed"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-timeout", type=float, default=30.0)
    args = parser.parse_args()
    print(f"{'page':32} {'ours s':>7}  {'outcome':24} {'trafilatura s':>13}  outcome")
    for name, build in PAGES.items():
        html = build()
        start = time.perf_counter()
        outcome = ours(html)
        seconds = time.perf_counter() - start
        peer_s, peer_outcome = _timed(peer, html, args.peer_timeout)
        mark = ">" if peer_outcome == "killed" else " "
        print(f"{name:32} {seconds:7.2f}  {outcome:24} {mark}{peer_s:12.2f}  {peer_outcome}")


if __name__ == "__main__":
    main()
