"""Python tree walks that select what a simple XPath selects, for the expressions
trafilatura prunes and searches a page with.

lxml runs EXSLT's ``re:test()`` as a Python callback for every element a predicate
reaches: on a pruned page of ~1,500 elements, trafilatura's three comment and
raw-tree XPaths cost ~2.3 ms a run, walks doing the same tests ~0.5 ms.
:func:`compile_path` understands only this subset, and gives ``None`` for anything else,
so that the caller keeps the XPath itself::

    path ('|' path)*           path: step | '(' step ')[1]'
    step: (.//* | .//tag) [pred] [pred] ... [1]?
    pred: a boolean of ``or``, ``and``, ``not(...)``, ``(...)``, ``self::tag``, ``.//tag``,
          ``@a`` (present), ``@a='text'``, ``re:test(S, 'regex'[, 'flags'])``,
          ``contains(S, 'text')``, ``starts-with(S, 'text')``;
    S:    ``@a``, ``@a|@b...`` or ``translate(@a..., 'from', 'to')``

with XPath's meaning: a missing attribute is the empty string; the string value of
``@a|@b`` is the first of them in the element's own attribute order (document order);
``re:test`` is Python's ``re.search`` (which lxml calls; flag ``i`` ignores case);
``self::tag`` and ``.//tag`` compare tag names; a step's trailing ``[1]`` keeps an element
only when no earlier sibling passes the step's tests, ``(step)[1]`` keeps the first match;
the elements come in document order and the context element itself is not one of them.
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
  | @(?P<attr>[A-Za-z_][\w-]*)
  | '(?P<string>[^']*)' | "(?P<dstring>[^"]*)"
  | (?P<number>\d+)
  | (?P<func>re:test|contains|starts-with|translate|not)\(
  | (?P<op>or|and)\b
  | (?P<punct>[\[\](),|=])
)""", re.VERBOSE)


class _Untranslatable(ValueError):
    """The expression is outside the subset."""


def _tokens(path: str) -> list[tuple[str, str]]:
    found, position = [], 0
    path = path.strip()
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise _Untranslatable(path[position:position + 20])
        kind = "string" if match.lastgroup == "dstring" else match.lastgroup
        found.append((kind or "", match.group(match.lastgroup or 0)))
        position = match.end()
    return found


def _first_of(el: lxml.etree._Element, names: frozenset[str]) -> str:
    """XPath's string value of ``@a|@b...``: the first such attribute in document order.
    The attribute list is read only for an element that has more than one of them."""
    found = None
    for name in names:
        if (value := el.get(name)) is not None:
            if found is not None:
                return next(value for key, value in el.items() if key in names)
            found = value
    return found or ""


#: Attribute values whose regex test a walk remembers: class names repeat within a page and
#: across a site's pages, and trafilatura's patterns are alternations of up to 70 words
#: (a search ~1-3 us, a dict lookup ~50 ns). Forgotten all at once when full.
_REMEMBERED = 4096


def _remembered_search(pattern: re.Pattern) -> Callable[[str], bool]:
    """``pattern.search(value) is not None``, remembered for the last values."""
    found: dict[str, bool] = {}
    search = pattern.search

    def test(value: str) -> bool:
        if (hit := found.get(value)) is None:
            if len(found) >= _REMEMBERED:
                found.clear()
            hit = found[value] = search(value) is not None
        return hit

    return test


def _translation(source: str, target: str) -> dict[int, str | None]:
    """XPath ``translate()``'s mapping: a character's first place in ``source`` counts; one
    with no counterpart in ``target`` is removed."""
    table: dict[int, str | None] = {}
    for i, char in enumerate(source):
        table.setdefault(ord(char), target[i] if i < len(target) else None)
    return table


class _Parser:
    """Turns the tokens into Python expressions over ``el``; the regular expressions,
    literals and helpers they use are bound in ``names``."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at = tokens, 0
        self.names: dict[str, object] = {}
        #: name -> source of a function over ``el`` the walk calls (compiled in its scope)
        self.functions: dict[str, str] = {}

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        at = self.at + ahead
        return self.tokens[at] if at < len(self.tokens) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        found, text = self.peek()
        if found != kind or (value is not None and text != value):
            raise _Untranslatable(f"expected {value or kind}, found {found} {text}")
        self.at += 1
        return text

    def bind(self, value: object) -> str:
        name = f"_v{len(self.names)}"
        self.names[name] = value
        return name

    # -- the whole expression: a union of steps --------------------------------------
    def union(self) -> str:
        """A Python expression over ``root`` giving the selected elements in order."""
        parts = [self.part()]
        while self.peek() == ("punct", "|"):
            self.at += 1
            parts.append(self.part())
        self.take("end")
        if len(parts) == 1:
            return parts[0]
        return f"{self.bind(_in_document_order)}(root, {', '.join(parts)})"

    def part(self) -> str:
        if self.peek() != ("punct", "("):
            return self.step(first=False)
        self.at += 1
        found = self.step(first=True)
        self.take("punct", ")")
        self._position_one()
        return found

    def _position_one(self) -> None:
        self.take("punct", "[")
        self.take("number", "1")
        self.take("punct", "]")

    def step(self, *, first: bool) -> str:
        """``.//*`` or ``.//tag`` with its predicates; ``first``: only the first match."""
        kind, text = self.peek()
        self.at += 1
        if kind == "descendants":
            tags: tuple[str, ...] | None = None
        elif kind == "has":
            tags = (text,)
        else:
            raise _Untranslatable(f"a path starts with .//, not {kind} {text}")
        predicates: list[str] = []
        sibling_first = False
        self.attrs: dict[str, str] = {}  # the step's attributes, each read once an element
        while self.peek() == ("punct", "["):
            if self.peek(1) == ("number", "1"):  # position: the last predicate only
                self._position_one()
                sibling_first = True
                break
            self.at += 1
            if not predicates and tags is None and (tags := self.tag_set()) is not None:
                self.take("punct", "]")
                continue
            predicates.append(self.disjunction())
            self.take("punct", "]")
        if tags is not None:
            walk = f"root.iterdescendants(*{self.bind(tags)})"
            kind_test, guard = f"(el.tag in {self.bind(frozenset(tags))})", ""
        else:  # elements only, as ``*``: comments and processing instructions left out
            walk = "root.iterdescendants()"
            kind_test = guard = "(el.tag.__class__ is str)"
        test = " and ".join(predicates) or "True"
        clauses = self._clauses(guard, test)
        if sibling_first:  # child::*[...][1]: no earlier sibling passes the same tests
            passes = f"_f{len(self.functions)}"
            self.functions[passes] = (f"lambda el: any(True for _ in [el] "
                                      f"{self._clauses(kind_test, test)})")
            clauses = (f"if {passes}(el) and "
                       f"not any(map({passes}, el.itersiblings(preceding=True)))")
        if first:
            return f"next(([el] for el in {walk} {clauses}), [])"
        return f"[el for el in {walk} {clauses}]"

    def _clauses(self, guard: str, test: str) -> str:
        """Comprehension clauses: ``guard``, then the step's attributes read into their
        variables (each ``el.get`` once, not once per test), then ``test``."""
        fetch = ""
        if self.attrs:
            names = ", ".join(self.attrs.values())
            gets = ", ".join(f"el.get({self.bind(n)})" for n in self.attrs)
            fetch = f"for ({names},) in [({gets},)]"
        return " ".join(filter(None, [f"if {guard}" if guard else "", fetch, f"if {test}"]))

    def attr(self, name: str) -> str:
        """The variable holding attribute ``name`` of the element (None when missing)."""
        return self.attrs.setdefault(name, f"_a{len(self.attrs)}")

    def tag_set(self) -> tuple[str, ...] | None:
        """The tags of a predicate that is only ``self::a or self::b ...``, else None."""
        tags, at = [], self.at
        while True:
            kind, text = self.peek()
            if kind != "self":
                break
            tags.append(text)
            self.at += 1
            if self.peek() != ("op", "or"):
                break
            self.at += 1
        if tags and self.peek() == ("punct", "]"):
            return tuple(tags)
        self.at = at
        return None

    # -- predicates ----------------------------------------------------------------------
    def disjunction(self) -> str:
        return self._chain("or", self.conjunction)

    def conjunction(self) -> str:
        return self._chain("and", self.term)

    def _chain(self, op: str, operand: Callable[[], str]) -> str:
        """``operand (op operand)*`` as one Python expression."""
        terms = [operand()]
        while self.peek() == ("op", op):
            self.at += 1
            terms.append(operand())
        return terms[0] if len(terms) == 1 else "(" + f" {op} ".join(terms) + ")"

    def term(self) -> str:
        kind, text = self.peek()
        if kind == "attr":
            return self.attribute_test()
        self.at += 1
        if kind == "func" and text == "not":
            inner = self.disjunction()
            self.take("punct", ")")
            return f"(not {inner})"
        if kind == "punct" and text == "(":
            inner = self.disjunction()
            self.take("punct", ")")
            return inner
        if kind == "self":
            return f"(el.tag == {self.bind(text)})"
        if kind == "has":
            return f"(next(el.iterdescendants({self.bind(text)}), None) is not None)"
        if kind == "func" and text in ("re:test", "contains", "starts-with"):
            return self.string_test(text)
        raise _Untranslatable(f"unexpected {kind} {text}")

    def attributes(self) -> list[str]:
        """``@a`` or ``@a|@b...``: the names."""
        names = [self.take("attr")]
        while self.peek() == ("punct", "|") and self.peek(1)[0] == "attr":
            self.at += 1
            names.append(self.take("attr"))
        return names

    def attribute_test(self) -> str:
        """``@a`` (present) or ``@a='text'`` (one of the attributes has that value)."""
        names = self.attributes()
        if self.peek() == ("punct", "="):
            self.at += 1
            value = self.bind(self.take("string"))
            return "(" + " or ".join(f"{self.attr(n)} == {value}" for n in names) + ")"
        return "(" + " or ".join(f"{self.attr(n)} is not None" for n in names) + ")"

    def string_value(self) -> str:
        """``@a``, ``@a|@b...`` or ``translate(...)`` of them, as a Python str expression."""
        if self.peek() == ("func", "translate"):
            self.at += 1
            inner = self.string_value()
            self.take("punct", ",")
            source = self.take("string")
            self.take("punct", ",")
            target = self.take("string")
            self.take("punct", ")")
            return f"{inner}.translate({self.bind(_translation(source, target))})"
        names = self.attributes()
        if len(names) == 1:
            return f"({self.attr(names[0])} or '')"
        first_of = f"{self.bind(_first_of)}(el, {self.bind(frozenset(names))})"
        if len(names) > 2:
            return first_of
        a, b = map(self.attr, names)  # the attribute list is read only when both are there
        return (f"(({first_of} if {a} is not None and {b} is not None "
                f"else {a} if {a} is not None else {b}) or '')")

    def string_test(self, function: str) -> str:
        subject = self.string_value()
        self.take("punct", ",")
        literal = self.take("string")
        flags = ""
        if function == "re:test" and self.peek() == ("punct", ","):
            self.at += 1
            flags = self.take("string")
        self.take("punct", ")")
        if function == "re:test":  # lxml: re.UNICODE, and IGNORECASE for an "i" flag
            pattern = re.compile(literal, re.UNICODE | (re.IGNORECASE if "i" in flags else 0))
            return f"{self.bind(_remembered_search(pattern))}({subject})"
        if function == "contains":
            return f"({self.bind(literal)} in {subject})"
        return f"{subject}.startswith({self.bind(literal)})"


def _scope(parser: _Parser) -> dict[str, object]:
    return {"__builtins__": {"next": next, "str": str, "any": any, "map": map, "bool": bool},
            **parser.names}


def _in_document_order(root: lxml.etree._Element, *parts: list) -> list:
    """The union of the parts' elements in document order, each once (XPath's ``|``)."""
    chosen = [found for found in parts if found]
    if len(chosen) <= 1:
        return list(dict.fromkeys(chosen[0])) if chosen else []
    wanted = {id(el) for found in chosen for el in found}
    return [el for el in root.iterdescendants() if id(el) in wanted]


def compile_path(path: str) -> Selector | None:
    """A function giving what ``lxml.etree.XPath(path)`` gives on an element, or None when
    ``path`` is outside the subset this module reads."""
    try:
        parser = _Parser(_tokens(path))
        source = f"lambda root: {parser.union()}"
    except _Untranslatable:
        return None
    # made from the tokens above, every value bound apart by name: nothing from the path
    # is evaluated as code
    scope = _scope(parser)
    for name, function in parser.functions.items():
        scope[name] = eval(function, scope)  # noqa: S307
    return eval(source, scope)  # noqa: S307
