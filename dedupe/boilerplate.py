"""Site boilerplate: paragraphs that recur across many documents of one site.

A newsletter footer, a "related stories" block or a standing disclaimer makes different
stories of one site look alike. A paragraph (compared on its normalised tokens) is
boilerplate for a site once ``BOILERPLATE_MIN_DOCS`` documents of that site contain it;
it is then left out of the site's signatures and of verification.

Why per site, and why counts rather than a share of the corpus: a story syndicated to many
sites repeats all its paragraphs across the corpus, once per site, so a corpus-wide
frequency would erase exactly the stories we want to match; boilerplate repeats within a
site. Documents without a URL share one pseudo-site (""), where a story repeated verbatim
``BOILERPLATE_MIN_DOCS`` times would lose its shared paragraphs (its exact copies still
match on the whole-body hash).

The same counts kept across all sites (scope ``CORPUS``) mark *common* paragraphs: see
``COMMON_MIN_DOCS``.

Order independence: the decision depends only on the current counts. When a count crosses
the threshold (either way), every document of the site holding that paragraph is
re-signed and re-verified, so the final state is a function of the final set of documents,
whatever the order they came in. That happens once per boilerplate paragraph and costs
``BOILERPLATE_MIN_DOCS`` documents.
"""

from __future__ import annotations

import numpy as np

from ainews.scraper.urls import host_of

# 5 documents. A site may carry one story at several URLs (AMP and canonical pages, a copy
# per section, an updated version): with 3, a story three of whose copies one site
# carries lost its shared paragraphs as "boilerplate" and its copies no longer matched
# (benchmark recall 0.70-0.86 per kind); 5 copies on one site are rare, while a site's
# boilerplate reaches 5 documents on its fifth article. Until then, verification tells
# stories sharing a footer apart on its own (a footer is short beside a story).
BOILERPLATE_MIN_DOCS = 5
# Corpus-wide: a paragraph in this many documents (any sites) is "common text" (a press
# statement several outlets quote, a syndicator's block), weak evidence in verification
# (see verify.py). 3 and not 2: two documents sharing a paragraph are what a copy looks
# like; a third holder is what makes it common. Unlike site boilerplate it stays in the
# signatures (so candidates are still found); only verification weighs it.
COMMON_MIN_DOCS = 3
# The scope under which corpus-wide paragraph counts are kept ("*" is no host name).
CORPUS = "*"


def site_of(url: str | None) -> str:
    """The host of a URL without ``www.`` ("" when there is none)."""
    return host_of(url).removeprefix("www.")


def content_view(token_hashes: np.ndarray, para_ends: np.ndarray, para_hashes: np.ndarray,
                 boilerplate: set[int], common: set[int],
                 min_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """A document's token hashes without its site's boilerplate paragraphs, and a mask of
    those tokens that lie in paragraphs common across the corpus (``verify.View``).

    A document (nearly) all boilerplate keeps all its tokens: it is then compared whole.
    """
    n = token_hashes.size
    if n == 0:
        return token_hashes, np.zeros(0, dtype=bool)
    starts = np.concatenate(([0], para_ends[:-1])).astype(np.int64)
    hashes = para_hashes.tolist()
    keep = np.ones(n, dtype=bool)
    mask = np.zeros(n, dtype=bool)
    for s, e, h in zip(starts.tolist(), para_ends.tolist(), hashes, strict=True):
        if h in boilerplate:
            keep[s:e] = False
        elif h in common:
            mask[s:e] = True
    if keep.all():
        return token_hashes, mask
    if np.count_nonzero(keep) < min_tokens:
        # all boilerplate: compared whole, common text still marked
        mask = np.zeros(n, dtype=bool)
        for s, e, h in zip(starts.tolist(), para_ends.tolist(), hashes, strict=True):
            mask[s:e] = h in common or h in boilerplate
        return token_hashes, mask
    return token_hashes[keep], mask[keep]
