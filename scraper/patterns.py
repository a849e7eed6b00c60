"""URL patterns from the sites file, matched in bounded time.

A pattern is compiled with RE2 (``google-re2``), which matches in time linear in the URL
whatever the pattern: ``(a+)+$`` cannot backtrack. RE2 has no lookarounds or
backreferences; a pattern that needs them (``/(?!tag/)[a-z-]+/``) uses Python's ``re``,
but only when it has no nested unbounded repetition (``(a+)+``, ``(\\w*)*``), the shape
of catastrophic backtracking. URLs longer than :data:`MAX_URL_LENGTH` never match:
that bounds the polynomial cases too.
"""

from __future__ import annotations

import re
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import re2

#: No article URL is this long; an attacker's 100 KB URL is not matched at all.
MAX_URL_LENGTH = 2048


class PatternError(ValueError):
    """A pattern that does not compile, or that could backtrack catastrophically."""


class UrlPattern:
    """A compiled pattern whose :meth:`matches` is bounded in time."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.engine, self._compiled = _compile(pattern)

    def matches(self, url: str) -> bool:
        return self.search(url) is not None

    def search(self, url: str) -> Any:
        """Like ``re.Pattern.search``; None for URLs over :data:`MAX_URL_LENGTH`."""
        return self._compiled.search(url) if len(url) <= MAX_URL_LENGTH else None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"UrlPattern({self.pattern!r}, engine={self.engine})"


def _compile(pattern: str) -> tuple[str, Any]:
    options = re2.Options()
    options.log_errors = False  # RE2 logs refusals to stderr; we explain them instead
    try:
        return "re2", re2.compile(pattern, options=options)
    except re2.error:
        pass  # lookaround or backreference: Python's re, if it cannot blow up
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise PatternError(f"does not compile: {exc}") from None
    if _nested_repeat(sre_parse.parse(pattern)):
        raise PatternError(
            "has a repetition inside a repetition (like (a+)+), which can take forever "
            "on a hostile URL; rewrite it without the nesting or without lookarounds "
            "and backreferences (then it runs on RE2, which is always linear)"
        )
    return "re", compiled


_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)


def _nested_repeat(parsed: Any, inside: bool = False) -> bool:
    """Whether an unbounded repeat sits inside another repeat of more than once."""
    for op, value in parsed:
        if op in _REPEATS:
            _low, high, sub = value
            if inside and high == sre_parse.MAXREPEAT:
                return True
            children, nested = [sub], inside or high > 1
        elif op is sre_parse.SUBPATTERN:
            children, nested = [value[-1]], inside
        elif op is sre_parse.BRANCH:
            children, nested = list(value[1]), inside
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            children, nested = [value[1]], inside
        else:
            continue
        if any(_nested_repeat(child, nested) for child in children):
            return True
    return False
