"""The failure class the fifth held-out set (``benchmarks/heldout.py --source gne``) found,
on a small written page: a box of the articles readers rank highest ("most-read",
"mostPopular", "trending") after the text, its items not linked (a script opens them), was
kept as article text: those names are read as boilerplate like "related" and
"recommended"."""

from __future__ import annotations

import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.prune import boilerplate_name

URL = "https://finance.example.cn/2018-12-28/doc-12306.shtml"
TITLE = "Railway operator denies that 600,000 accounts were leaked"
TEXT = [
    "Users reported on Friday that 600,000 accounts of the ticket site and 4.1 million "
    "contact records were offered for sale on a dark web forum at a low price.",
    "In the evening the operator said on its official account that the report was "
    "untrue and that no user data had left its systems at any point this year.",
    "It said the accounts on offer had been collected by third-party ticket apps, and "
    "asked users to buy tickets through its own site and app only.",
    "Police in two provinces have opened cases against the sellers of such apps, which "
    "ask for a user's password to buy tickets on the user's behalf.",
    "Security researchers said the records looked like an old collection that has been "
    "offered again and again on such forums since at least the spring.",
    "The operator asked users who had given their password to a third-party app to "
    "change it at once and to turn on the login notice in their settings.",
    "It also said it would keep working with the police to find out who had collected "
    "the records and how they had come to be offered for sale.",
]
ITEMS = [("Four employees fired for a lunch break that ran over", "Li Shiyun", "243,325"),
         ("Phone costs fell by a tenth but the price stays the same", "Research desk", "76,760"),
         ("Readers wish the rice scientist a long life on his birthday", "Wang Qian", "20,566")]


def _page(box_name: str) -> bytes:
    cards = "".join(
        f"<div class='item-card'><div class='item-text'><h4>{headline}</h4><ul>"
        f"<li>2019-09-06</li><li>09:38</li><li>App only</li><li>{author}</li>"
        f"<li class='item-cmt'>{count}</li></ul></div></div>"
        for headline, author, count in ITEMS)
    text = "".join(f"<p>{p}</p>" for p in TEXT)
    return (f"<html><head><title>{TITLE}</title></head><body><div class='main'>"
            f"<h1>{TITLE}</h1><div class='article' id='artibody'>{text}</div>"
            f"<div class='{box_name}'><div class='title'><h2>Top stories</h2></div>"
            f"<div class='feed'>{cards}</div></div></div></body></html>").encode()


@pytest.mark.parametrize("box_name", ["most-read", "mostPopular", "trending"])
def test_a_box_of_the_most_read_articles_after_the_text_is_not_text(box_name):
    assert extract(_page(box_name), URL).body.split("\n\n") == TEXT


@pytest.mark.parametrize(("name", "expected"), [
    ("most_read", True), ("c-most-viewed", True), ("popular-posts", True),
    ("almost-done", False), ("block--popular", False), ("article-body", False),
])
def test_ranked_lists_are_named_by_their_first_word(name, expected):
    assert boilerplate_name(name) is expected
