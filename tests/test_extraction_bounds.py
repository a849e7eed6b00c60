"""Per-page bounds: hostile pages are refused as TooComplex, repeated blocks cost linear time."""

from __future__ import annotations

import random

import pytest

from ainews.scraper.extraction import TooComplex, extract
from ainews.scraper.extraction.bounds import MAX_NODES, MAX_PARAGRAPHS, MAX_TAGS
from ainews.scraper.extraction.repeats import COPY_SHARE, dedupe_paragraphs

URL = "https://news.example.com/2026/03/story"
LINE = "The same short paragraph is repeated here again."


def _pairwise_reference(paragraphs: list[str]) -> list[str]:
    """The definition, checked pair by pair (the old quadratic-to-cubic implementation)."""
    keys = [" ".join(p.lower().split()) for p in paragraphs]
    words = [len(k.split()) for k in keys]
    total = sum(words) or 1
    out, i = [], 0
    while i < len(keys):
        best = 0
        for j in range(i):
            n = 0
            while i + n < len(keys) and j + n < i and keys[j + n] == keys[i + n]:
                n += 1
            best = max(best, n)
        if best and sum(words[i:i + best]) >= COPY_SHARE * total:
            i += best
            continue
        out.append(paragraphs[i])
        i += 1
    return out


def test_dedupe_matches_the_pairwise_definition_on_random_pages() -> None:
    rng = random.Random(13)
    vocabulary = ["alpha beta", "gamma", "delta epsilon zeta", "eta theta iota kappa", "mu"]
    for _ in range(3000):
        size, kinds = rng.randint(0, 12), rng.randint(1, 5)
        paragraphs = [rng.choice(vocabulary[:kinds]) for _ in range(size)]
        if rng.random() < 0.4:  # a second copy of part of the page
            paragraphs += paragraphs[: rng.randint(1, len(paragraphs) or 1)]
        assert dedupe_paragraphs(paragraphs) == _pairwise_reference(paragraphs), paragraphs


def test_doubled_article_keeps_one_copy() -> None:
    body = [f"Paragraph {i} of the story about the new model release." for i in range(40)]
    assert dedupe_paragraphs(body + body) == body


def test_thousands_of_identical_paragraphs_follow_the_definition() -> None:
    # the pairwise scan took > 300 s for 10,000; the result is what the definition says:
    # runs of a quarter of the words are copies, so a quarter of the lines is kept
    kept = dedupe_paragraphs([LINE] * 10_000)
    assert kept == [LINE] * 2_500
    assert _pairwise_reference([LINE] * 40) == [LINE] * 10  # the same rule, small


def test_page_of_ten_thousand_identical_paragraphs_is_extracted() -> None:
    html = "<html><body><article><h1>Title</h1>" + f"<p>{LINE}</p>" * 10_000
    article = extract(html + "</article></body></html>", URL)
    assert article.body.count(LINE) == 2_500


def test_page_of_a_million_tiny_paragraphs_is_too_complex() -> None:
    with pytest.raises(TooComplex, match="tags"):
        extract("<html><body>" + "<p>x</p>" * 1_000_000 + "</body></html>", URL)


def test_page_just_over_the_element_bound_is_too_complex() -> None:
    # few enough tags to be parsed, too many elements to extract
    assert MAX_NODES * 2 < MAX_TAGS
    html = "<html><body>" + "<br>" * (MAX_NODES + 10) + "<p>text</p></body></html>"
    with pytest.raises(TooComplex, match="elements"):
        extract(html, URL)


def test_one_element_of_too_many_lines_is_too_complex() -> None:
    html = "<html><body><article><pre>" + "a line of text\n" * (MAX_PARAGRAPHS + 1)
    with pytest.raises(TooComplex, match="paragraphs"):
        extract(html + "</pre></article></body></html>", URL)
