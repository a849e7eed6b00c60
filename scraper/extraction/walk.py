"""Cheap tree walks for the metadata rules: what XPath's ``following::*[position() <= n]``
gives, without libxml2 collecting the whole rest of the page first."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import lxml.html


def following(element: lxml.html.HtmlElement, limit: int) -> list[lxml.html.HtmlElement]:
    """The first ``limit`` elements after ``element`` in document order, its own
    descendants left out: XPath ``following::*[position() <= limit]``."""
    return list(islice(_following(element), limit))


def _following(element: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            if isinstance(sibling.tag, str):  # elements only, as XPath's ``*``
                yield sibling
            for descendant in sibling.iterdescendants():
                if isinstance(descendant.tag, str):
                    yield descendant
        node = node.getparent()
