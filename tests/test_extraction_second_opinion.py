"""Issue 9's disagreement policy, second half: when our (trafilatura's) text is short
against the page's prose and readability's is much longer, readability's is taken when
it holds ours, merged after ours when it does not (choose.py ``_second_opinion``)."""

from __future__ import annotations

import lxml.html

from ainews.scraper.extraction.choose import _second_opinion, prose_words
from tests.test_extraction_choose import article_tree

SENTENCES = [f"Sentence {n} says how the harbour authority plans the new ferry line across "
             "the bay, and what it costs." for n in ("one", "two", "three", "four", "five",
                                                      "six", "seven", "eight", "nine", "ten")]


def _tree() -> lxml.html.HtmlElement:
    return article_tree(SENTENCES, "Ferry")


def test_short_text_holding_part_of_the_article_takes_readabilitys_whole_text():
    tree = _tree()
    text = _second_opinion(tree, "\n".join(SENTENCES[:3]), prose_words(tree), None)
    assert [s for s in SENTENCES if s not in text] == []


def test_text_holding_most_of_the_prose_is_kept_as_it_is():
    tree = _tree()
    ours = "\n".join(SENTENCES[:8])
    assert _second_opinion(tree, ours, prose_words(tree), None) == ours


def test_longer_text_that_does_not_hold_ours_is_added_after_it():
    tree = _tree()
    extra = "A line of ours that readability did not take, about the timetable of the ferry."
    text = _second_opinion(tree, f"{extra}\n{SENTENCES[0]}", prose_words(tree), None)
    assert text.startswith(f"{extra}\n{SENTENCES[0]}")
    assert [s for s in SENTENCES if s not in text] == []
