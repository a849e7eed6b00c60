"""trafilatura's text in precision mode, comments left out, on a tree the caller gives away.

``precision_text(tree, url, fast=...)`` returns what
``trafilatura.extract(tree, url=url, favor_precision=True, include_comments=False,
fast=...) or ""`` returns, with less work: ``extract()`` cannot modify the caller's tree,
so it copies it, then copies it twice more (the cleaned tree and a backup of it) for
stages that never run in precision mode without comments, and prunes the page with three
XPaths whose ``re:test()`` calls cost more than the rest of the clean-up
(``xpathwalk.py`` does the same selection in a fraction of the time). Here the steps of
``trafilatura.core.bare_extraction`` and ``trafilatura_sequence`` run for exactly these
options, on ``tree`` itself, with trafilatura's own functions for everything else. While
they run, the XPaths its main extractor searches and prunes the content with
(``BODY_XPATH``, ``OVERALL_DISCARD_XPATH``, ...: ~4 ms a page) are the same selections as
tree walks (``_walked``).

This mirrors trafilatura's internals, so it is used only with the versions it was checked
against (``MIRRORED_VERSIONS``: ``tests/test_extraction_trafilatura_run.py`` compares the
two on every benchmark page it can read); any other version gets ``trafilatura.extract``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from copy import copy

import lxml.etree
import lxml.html
import trafilatura

from ainews.scraper.extraction.xpathwalk import compile_path

logger = logging.getLogger(__name__)

#: trafilatura versions whose ``bare_extraction`` and ``trafilatura_sequence`` this module
#: follows step by step.
MIRRORED_VERSIONS = frozenset({"2.3.1"})

try:
    if trafilatura.__version__ not in MIRRORED_VERSIONS:
        raise ImportError(trafilatura.__version__)
    from trafilatura import external, main_extractor
    from trafilatura.core import _forum_thread_page, determine_returnstring
    from trafilatura.external import compare_extraction
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.main_extractor import extract_content
    from trafilatura.metadata import Document
    from trafilatura.settings import Extractor
    from trafilatura.xml import delete_element
    from trafilatura.xpaths import (
        RAW_TREE_PRUNE_XPATH,
        REMOVE_COMMENTS_AND_LISTS_XPATH,
        REMOVE_COMMENTS_XPATH,
    )
except ImportError as unmirrored:
    MIRRORED = False
    logger.debug("trafilatura %s is not mirrored: extract() on every page", unmirrored)
else:
    MIRRORED = True


def _walks(expressions: list) -> list:
    """Each XPath as a tree walk (``xpathwalk.py``), or itself outside that subset."""
    return [compile_path(xpath.path) or xpath for xpath in expressions]


if MIRRORED:
    _RAW_TREE_PRUNE = _walks(RAW_TREE_PRUNE_XPATH)
    _COMMENTS_AND_LISTS = _walks(REMOVE_COMMENTS_AND_LISTS_XPATH)
    _COMMENTS = _walks(REMOVE_COMMENTS_XPATH)
    #: (module, name, its XPaths, their walks): the XPath lists trafilatura's main
    #: extractor and fallback comparison look up in their modules at each call.
    _MODULE_WALKS = [(module, name, getattr(module, name), _walks(getattr(module, name)))
                     for module, names in (
                         (main_extractor, ("BODY_XPATH", "OVERALL_DISCARD_XPATH",
                                           "DISCARD_IMAGE_ELEMENTS", "TEASER_DISCARD_XPATH",
                                           "PRECISION_DISCARD_XPATH")),
                         (external, ("OVERALL_DISCARD_XPATH",)))
                     for name in names]
    #: The options ``extract()`` builds for these arguments, but the URL (their
    #: ``date_params``, dated the day they were made, serve metadata extraction only).
    _OPTIONS = {fast: Extractor(output_format="txt", fast=fast, precision=True,
                                comments=False)
                for fast in (False, True)}


def _prune(tree: lxml.html.HtmlElement, selectors: list) -> lxml.html.HtmlElement:
    """trafilatura's ``prune_unwanted_nodes`` without a backup: each selector's elements
    deleted, their tails kept."""
    for select in selectors:
        for element in select(tree):
            delete_element(element)
    return tree


@contextmanager
def _walked() -> Iterator[None]:
    """trafilatura's modules look their XPath lists up as the walks of ``_MODULE_WALKS``
    (the same elements in the same order: ``tests/test_cleaning_xpathwalk.py``), then as
    before. Only for our call: ``trafilatura.extract()`` elsewhere in the process (the
    benchmarks' peer) keeps its XPaths (put back from import time, so a call in another
    thread can at worst run on the XPaths: the same output)."""
    for module, name, _, walks in _MODULE_WALKS:
        setattr(module, name, walks)
    try:
        yield
    finally:
        for module, name, expressions, _ in _MODULE_WALKS:
            setattr(module, name, expressions)


def _options(url: str, fast: bool) -> Extractor:
    options = copy(_OPTIONS[fast])
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


def _sequence(tree: lxml.html.HtmlElement, options: Extractor,
              url: str | None) -> tuple[lxml.etree._Element, str]:
    """``trafilatura_sequence`` in precision mode without comments: stages 3 and 4 (the
    baseline rescue and the recall escalation) are for the other modes, so ``tree`` is
    not read after the clean-up in fast mode and after the comparison in full mode."""
    is_forum = _forum_thread_page(tree)
    tree = _prune(tree, _RAW_TREE_PRUNE)
    tree = _prune(tree, _COMMENTS_AND_LISTS)
    if options.fast:  # the backup serves the comparison only
        cleaned, backup = tree_cleaning(tree, options), None
    else:
        cleaned = tree_cleaning(copy(tree), options)
        backup = copy(cleaned)
    cleaned = convert_tags(cleaned, options, url)
    if not is_forum:
        cleaned = _prune(cleaned, _COMMENTS)
    body, text = extract_content(cleaned, options)
    if not options.fast:
        body, text = compare_extraction(backup, tree, body, text, options)
    return body, text


def precision_text(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> str:
    """trafilatura's text of ``tree`` in precision mode, comments left out; "" when it
    finds none. ``tree`` is used up: pass a copy."""
    if not MIRRORED or not isinstance(tree, lxml.html.HtmlElement):
        return trafilatura.extract(tree, url=url, favor_precision=True,
                                   include_comments=False, fast=fast) or ""
    options = _options(url, fast)
    document = Document()
    try:
        with _walked():
            body, text = _sequence(tree, options, options.url or document.url)
        if options.max_tree_size and len(body) > options.max_tree_size:
            lxml.etree.strip_tags(body, "hi")
            if len(body) > options.max_tree_size:
                raise ValueError
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:
            raise ValueError
    except (TypeError, ValueError):  # what bare_extraction turns into None
        logger.debug("trafilatura found no text: %s", url)
        return ""
    document.raw_text, document.commentsbody, document.body = text, lxml.etree.Element("body"), body
    return determine_returnstring(document, options)
