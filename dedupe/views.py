"""Documents as verification sees them: their text without site boilerplate and
corpus-common paragraphs (from the paragraph counts an operation keeps up to date), and
the band keys of that text."""

from __future__ import annotations

from ainews.dedupe import lsh, signature
from ainews.dedupe.boilerplate import CORPUS, content_view
from ainews.dedupe.index import StoredDoc
from ainews.dedupe.verify import Verdict, View, compare
from ainews.dedupe.workset import Workset

_DEFAULT_SIGNATURE = (signature.SHINGLE_SIZE, signature.NUM_PERM, signature.SEED, lsh.BANDS,
                      lsh.ROWS)


class Views(Workset):
    """Paragraph counts, views, band keys and the one place pairs are measured."""

    def _count_paras(self, stored: StoredDoc, step: int) -> set[str]:
        """Count (step +1) or un-count (-1) a document's paragraphs per site and corpus-wide;
        returns the other documents whose view changed (a count crossed a threshold),
        after re-signing those whose site boilerplate changed."""
        paras = set(stored.para_hashes.tolist())
        p = self.params
        if step > 0:
            site_counts = self.index.add_paras(stored.site, paras, stored.id)
            all_counts = self.index.add_paras(CORPUS, paras, stored.id)
            site_edge, all_edge = p.boilerplate_min_docs, p.common_min_docs
        else:
            site_counts = self.index.remove_paras(stored.site, paras, stored.id)
            all_counts = self.index.remove_paras(CORPUS, paras, stored.id)
            site_edge, all_edge = p.boilerplate_min_docs - 1, p.common_min_docs - 1
        self._counts.update({(stored.site, h): n for h, n in site_counts.items()})
        self._counts.update({(CORPUS, h): n for h, n in all_counts.items()})
        resign: set[str] = set()
        for h in sorted(h for h, n in site_counts.items() if n == site_edge):
            resign.update(self.index.docs_with_para(stored.site, h))
        changed = set(resign)
        for h in sorted(h for h, n in all_counts.items() if n == all_edge):
            changed.update(self.index.docs_with_para(CORPUS, h))
        resign.discard(stored.id)
        changed.discard(stored.id)
        self._views = {}
        for doc_id in sorted(resign):
            other = self._get(doc_id)
            if other is not None:
                self._sign(other)
        return changed

    def _view(self, stored: StoredDoc) -> View:
        """The document as verification sees it (cached for one operation)."""
        view = self._views.get(stored.id)
        if view is not None:
            return view
        p = self.params
        paras = set(stored.para_hashes.tolist())
        site = self._para_counts(stored.site, paras)
        common = self._para_counts(CORPUS, paras)
        tokens, mask = content_view(
            stored.token_hashes, stored.para_ends, stored.para_hashes,
            {h for h, n in site.items() if n >= p.boilerplate_min_docs},
            {h for h, n in common.items() if n >= p.common_min_docs}, p.shingle_size)
        view = View(tokens, signature.shingles(tokens, p.shingle_size), mask, p.shingle_size)
        self._views[stored.id] = view
        return view

    def _para_counts(self, scope: str, paras: set[int]) -> dict[int, int]:
        """Paragraph counts, from those this operation just wrote when it has them."""
        counts = {h: n for h in paras if (n := self._counts.get((scope, h))) is not None}
        missing = paras - counts.keys()
        if missing:
            counts.update(self.index.para_counts(scope, missing))
        return counts

    def _sign(self, stored: StoredDoc, whole: tuple[int, ...] | None = None) -> None:
        """Compute and store a document's band keys from its content shingles (``whole``:
        its keys with no paragraph left out, ``Features.band_keys``, if computed)."""
        self._represented_cache.pop(stored.id, None)
        stored.band_keys = self._band_keys(stored, whole)
        self._put(stored)

    def _band_keys(self, stored: StoredDoc, whole: tuple[int, ...] | None) -> list[int]:
        """A document's band keys under its current view (``_sign``)."""
        p = self.params
        self._views.pop(stored.id, None)
        view = self._view(stored)
        if whole is not None and view.n_tokens == stored.token_hashes.size and \
                (p.shingle_size, p.num_perm, p.seed, p.bands, p.rows) == _DEFAULT_SIGNATURE:
            return list(whole)  # nothing left out: the keys of the whole text
        return lsh.document_keys(view.shingles, p.num_perm, p.seed, p.bands, p.rows)

    def _measure(self, a: StoredDoc, b: StoredDoc) -> Verdict:
        """``verify.compare`` on the two documents' views."""
        return compare(self._view(a), self._view(b))
