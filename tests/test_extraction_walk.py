"""``walk.following`` is XPath's ``following::*[position() <= n]``, walked lazily."""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction.walk import following

PAGE = """<html><head><title>t</title></head><body>
<header><a href="/">Home</a><!-- a comment --><nav><ul><li>One</li><li>Two</li></ul></nav></header>
<article><h1>Headline <span>kicker</span></h1><p class="by">By <a>Jane Doe</a></p>
<div><p>First <b>bold</b> text</p><?php echo 1; ?><p>Second</p></div></article>
<footer><p>Footer</p></footer></body></html>"""


@pytest.mark.parametrize("limit", [1, 3, 8, 100])
def test_following_matches_xpath_for_every_element(limit: int) -> None:
    tree = lxml.html.document_fromstring(PAGE)
    for element in tree.iter(lxml.etree.Element):
        want = element.xpath(f"following::*[position() <= {limit}]")
        assert following(element, limit) == want, element.tag
