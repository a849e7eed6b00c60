"""``Deduplicator.explain``'s answer: why two documents are (not) one story."""

from __future__ import annotations

from dataclasses import dataclass

from ainews.dedupe.records import Assignment
from ainews.dedupe.verify import Verdict


@dataclass(frozen=True)
class Explanation:
    """Why two indexed documents are (not) in one cluster (``Deduplicator.explain``)."""

    a: str
    b: str
    verdict: Verdict
    exact: bool
    tokens: tuple[int, int]  # content tokens of each (site boilerplate removed)
    assignment_a: Assignment
    assignment_b: Assignment

    def lines(self) -> list[str]:
        v = self.verdict
        out = []
        for name, other, n, share, common in (
                (self.a, self.b, self.tokens[0], v.share_a, v.common_a),
                (self.b, self.a, self.tokens[1], v.share_b, v.common_b)):
            out.append(f"{name}: {n} content tokens; {share / 1e6:.3f} of them covered by "
                       f"{other}, {common / 1e6:.3f} of those in corpus-common paragraphs")
        if self.exact:
            out.append("pair verdict: exact copy: the same normalised body (body hash), "
                       "decided before any shingle is compared")
        else:
            out.append(f"pair verdict: {v.relation.name.lower()} (score {v.score / 1e6:.3f}): "
                       f"{v.rule}")
        for x in (self.assignment_a, self.assignment_b):
            if x.is_canonical:
                where = "canonical of its cluster"
            else:
                where = (f"{x.relation} of {x.compared_with} (score {x.score:.3f}) in cluster "
                         f"{x.cluster_id}")
            part = f", excerpt of story {x.partial_of}" if x.partial_of else ""
            out.append(f"{x.id}: {where}{part}")
        same = self.assignment_a.in_story().cluster_id == self.assignment_b.in_story().cluster_id
        out.append("same story" if same else "different stories")
        return out
