"""Python tree walks that select what a simple XPath selects, for the expressions
trafilatura prunes the whole page with.

lxml runs EXSLT's ``re:test()`` as a Python callback for every element a predicate
reaches: on a pruned page of ~1,500 elements, trafilatura's three comment and
raw-tree XPaths cost ~2.3 ms a run, walks doing the same tests ~0.5 ms.
:func:`compile_path` understands only this subset, and gives ``None`` for anything else,
so that the caller keeps the XPath itself::

    .//*[pred][pred]...      pred: a boolean of ``or``, ``and``, ``not(...)``, ``(...)``,
                                   ``self::tag``, ``.//tag``, ``re:test(@attr, 'regex')``,
                                   ``contains(@attr, 'text')``

with XPath's meaning: a missing attribute is the empty string, ``re:test`` is Python's
``re.search`` (which lxml calls), ``self::tag`` and ``.//tag`` compare tag names, the
elements come in document order and the context element itself is not one of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import lxml.etree

Selector = Callable[[lxml.etree._Element], list]

_TOKEN = re.compile(r"""\s*(?:
    (?P<descendants>\.//\*)
  | \.//(?P<has>[A-Za-z][\w-]*)
  | self::(?P<self>[A-Za-z][\w-]*)
  | re:test\(\s*@(?P<re_attr>[A-Za-z][\w-]*)\s*,\s*'(?P<re_pattern>[^']*)'\s*\)
  | contains\(\s*@(?P<in_attr>[A-Za-z][\w-]*)\s*,\s*'(?P<in_text>[^']*)'\s*\)
  | (?P<not>not\()
  | (?P<op>or|and)\b
  | (?P<punct>[\[\]()])
)""", re.VERBOSE)


class _Untranslatable(ValueError):
    """The expression is outside the subset."""


def _tokens(path: str) -> list[tuple[str, tuple[str, ...]]]:
    found, position = [], 0
    path = path.strip()
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise _Untranslatable(path[position:position + 20])
        kind = match.lastgroup
        if kind in ("re_pattern", "in_text"):  # the attribute names its kind
            kind = "re_attr" if kind == "re_pattern" else "in_attr"
        values = tuple(v for v in match.groups() if v is not None)
        found.append((kind or "", values))
        position = match.end()
    return found


class _Parser:
    """Turns the tokens into one Python expression over ``el``; the regular expressions
    and literals it uses are bound in ``names``."""

    def __init__(self, tokens: list[tuple[str, tuple[str, ...]]]) -> None:
        self.tokens, self.at = tokens, 0
        self.names: dict[str, object] = {}

    def peek(self) -> tuple[str, tuple[str, ...]]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", ())

    def take(self, kind: str, value: str | None = None) -> tuple[str, ...]:
        found, values = self.peek()
        if found != kind or (value is not None and values != (value,)):
            raise _Untranslatable(f"expected {value or kind}, found {found} {values}")
        self.at += 1
        return values

    def bind(self, value: object) -> str:
        name = f"_v{len(self.names)}"
        self.names[name] = value
        return name

    def disjunction(self) -> str:
        return self._chain("or", self.conjunction)

    def conjunction(self) -> str:
        return self._chain("and", self.term)

    def _chain(self, op: str, operand: Callable[[], str]) -> str:
        """``operand (op operand)*`` as one Python expression."""
        terms = [operand()]
        while self.peek() == ("op", (op,)):
            self.at += 1
            terms.append(operand())
        return terms[0] if len(terms) == 1 else "(" + f" {op} ".join(terms) + ")"

    def term(self) -> str:
        kind, values = self.peek()
        self.at += 1
        if kind == "not":
            inner = self.disjunction()
            self.take("punct", ")")
            return f"(not {inner})"
        if kind == "punct" and values == ("(",):
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        if kind == "self":
            return f"(el.tag == {self.bind(values[0])})"
        if kind == "has":
            return f"(next(el.iterdescendants({self.bind(values[0])}), None) is not None)"
        if kind == "re_attr":
            search = self.bind(re.compile(values[1], re.UNICODE).search)
            return f"({search}(el.get({self.bind(values[0])}) or '') is not None)"
        if kind == "in_attr":
            return f"({self.bind(values[1])} in (el.get({self.bind(values[0])}) or ''))"
        raise _Untranslatable(f"unexpected {kind} {values}")

    def tag_set(self) -> tuple[str, ...] | None:
        """The tags of a predicate that is only ``self::a or self::b ...``, else None."""
        tags, at = [], self.at
        while True:
            kind, values = self.peek()
            if kind != "self":
                break
            tags.append(values[0])
            self.at += 1
            if self.peek() != ("op", ("or",)):
                break
            self.at += 1
        if tags and self.peek() == ("punct", ("]",)):
            return tuple(tags)
        self.at = at
        return None


def compile_path(path: str) -> Selector | None:
    """A function giving what ``lxml.etree.XPath(path)`` gives on an element, or None when
    ``path`` is outside the subset this module reads."""
    try:
        parser = _Parser(_tokens(path))
        parser.take("descendants")
        tags: tuple[str, ...] | None = None
        predicates: list[str] = []
        while parser.peek() != ("end", ()):
            parser.take("punct", "[")
            if not predicates and tags is None and (tags := parser.tag_set()) is not None:
                parser.take("punct", "]")
                continue
            predicates.append(parser.disjunction())
            parser.take("punct", "]")
    except _Untranslatable:
        return None
    if tags is not None:
        walk = f"root.iterdescendants(*{parser.bind(tags)})"
    else:  # elements only, as ``*``: comments and processing instructions left out
        walk = "root.iterdescendants()"
        predicates.insert(0, "(el.tag.__class__ is str)")
    test = " and ".join(predicates) or "True"
    source = f"lambda root: [el for el in {walk} if {test}]"
    scope = {"__builtins__": {"next": next, "str": str}, **parser.names}
    return eval(source, scope)  # noqa: S307 (made from the tokens above, names bound apart)
