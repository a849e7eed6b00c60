"""The cleaning worker's shortcuts give what the plain definitions they replace give:
small hand-written pages and texts, one shortcut each."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest
import zstandard

from ainews.dedupe import text as dedupe_text
from ainews.scraper.extraction import lede, metadata, parsing
from ainews.scraper.extraction.prune import prune_boilerplate
from ainews.scraper.extraction.text import _word_count, norm, word_count, words
from ainews.scraper.storage.rawpages import RAW_ZSTD_LEVEL, compress_raw, decompress_raw

#: Texts in the scripts whose word rules differ: marks inside words (Hindi, Persian with
#: a zero-width non-joiner), a final sigma, unspaced Chinese and Japanese, punctuation.
TEXTS = [
    "Breaking: the U.S. council's vote -- 12 to 3 -- passed; more at 11.",
    "ΟΔΥΣΣΕΥΣ ΚΑΙ ΑΧΙΛΛΕΥΣ. Ο Οδυσσεύς είπε: «ΝΑΙ»",
    "हिन्दी भाषा में समाचार, दिल्ली से।",
    "می‌خواهم بروم، فردا صبح.",
    "東京都は3日、新しい計画を発表した。「バス」の本数を増やす。",
    "İstanbul'da ÇARŞI; Straße — ẞ groß",
]


@pytest.mark.parametrize("text", TEXTS)
def test_opening_key_is_a_prefix_of_norm_at_every_cut(text: str) -> None:
    long = " ".join([text] * 3)
    for cut in range(len(long) + 2):
        assert norm(long).startswith(lede._opening_key(long, cut)), cut
    assert lede._opening_key(long, len(long) * 2) == norm(long)


def test_word_count_cached_or_not_is_the_same() -> None:
    for text in TEXTS:
        assert word_count(text) == _word_count(text)
        assert word_count(text * 400) == _word_count(text * 400)  # the cache of long texts
        assert norm(text * 400) == " ".join(words((text * 400).lower()))
    longs = [text * 400 for text in TEXTS]
    for text in longs + longs[::-1]:  # more long texts than the long cache holds, twice
        assert word_count(text) == _word_count(text)


def test_standfirst_found_after_long_blocks_and_stopped_by_the_first_paragraph() -> None:
    body = " ".join(["The council met for hours and talked about buses and schools."] * 60)
    dek = "A budget that doubles night buses passed after a four hour debate on Tuesday."
    page = lxml.html.document_fromstring(
        "<html><body><h1>Council passes budget</h1>"
        f'<div class="wrap"><div class="inner"><p>{body}</p></div></div>'
        f'<p class="dek">{dek}</p><div class="text"><p>First paragraph here.</p>'
        f"<p>{body}</p></div></body></html>")
    assert lede.standfirst(page, "Council passes budget", "Other text") == dek
    # the first paragraph of the text, inside a long block, ends the scan before the dek
    assert lede.standfirst(page, "Council passes budget", body) is None


def test_credit_nodes_are_the_xpath_ones_in_document_order() -> None:
    page = lxml.html.document_fromstring(
        '<html class="source-root"><body><div class="credit-box"><p class="origin">a</p>'
        '<figure><span class="photo-credit">b</span></figure></div>'
        '<span class="Source">c</span><p class="datasource x">d</p>'
        '<figure><figcaption><i class="credit">e</i></figcaption></figure>'
        '<p class="resources">f</p></body></html>')
    xpath = lxml.etree.XPath(
        '//@class[contains(., "source") or contains(., "credit") or contains(., "origin")]'
        "/parent::*[not(ancestor::figure)]")
    assert list(metadata._credit_nodes(page)) == xpath(page)
    assert [el.text for el in metadata._credit_nodes(page)] == [None, None, "a", "d", "f"]


def test_pruning_resumes_after_a_doomed_block_wherever_the_next_element_is() -> None:
    text = "The article text is here, long enough to be the page's text. " * 20
    page = lxml.html.document_fromstring(
        "<html><body><div><div><div class='related-posts'><p>teaser</p>"
        "<div class='share'>s</div></div></div></div>"
        "<div class='newsletter'>sign up</div>"
        f"<main><p>{text}</p><div class='comments'><p>c</p></div></main>"
        "<div class='footer-links'>end</div><div class='sidebar'>last</div></body></html>")
    prune_boilerplate(page)
    remaining = " ".join(page.find("body").text_content().split())
    assert remaining == " ".join(text.split())


def test_clean_finds_references_in_text_and_bytes_alike() -> None:
    for page in ("<p>a&#11;b &#x0C;c &#8217;</p>", "<p>\x01a&#11;b</p>", "&#12;"):
        text, raw = parsing._clean(page)
        assert "&#11;" not in text and "&#x0C;" not in text and "&#12;" not in text
        assert raw == text.encode("utf-8")


def test_features_of_a_line_with_a_known_token_without_word_characters() -> None:
    text = "Prices rose — again — in May\n\nThe bank — said — little"
    cold = dedupe_text.features(text, band_keys=False)
    warm = dedupe_text.features(text, band_keys=False)  # every token now cached, "—" as 0
    assert cold.token_hashes.tolist() == warm.token_hashes.tolist()
    assert cold.para_ends.tolist() == warm.para_ends.tolist() == [5, 9]


def test_raw_pages_compressed_by_one_compressor_are_the_fresh_frames() -> None:
    pages = [b"<html><p>" + bytes(range(32, 127)) * 300 + b"</p></html>", b"<p>short</p>", b""]
    for page in pages + pages:  # the thread's compressor carries nothing from page to page
        assert compress_raw(page) == zstandard.ZstdCompressor(level=RAW_ZSTD_LEVEL).compress(page)
        assert decompress_raw(compress_raw(page)) == page
