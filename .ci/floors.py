"""Print a pip constraint ``name==floor`` for every dependency pyproject.toml declares.

The floors job (``.ci/floors``) installs with these constraints, so CI tests the lowest versions
we claim to support. A dependency without a ``>=`` floor is an error: nothing would test it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")
FLOOR = re.compile(r">=\s*([^,\s;]+)")


def floors(pyproject: Path, extras: tuple[str, ...] = ("test",)) -> list[str]:
    """``name==floor`` for the dependencies and the given extras, in declaration order."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project.get("optional-dependencies", {}).get(extra, [])
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = NAME.match(requirement.split(";", 1)[0])
        floor = FLOOR.search(match.group(2)) if match else None
        if match is None or floor is None:
            raise SystemExit(f"pyproject.toml: {requirement!r} declares no floor (>=)")
        pins[match.group(1).lower()] = f"{match.group(1)}=={floor.group(1)}"
    return list(pins.values())


if __name__ == "__main__":
    print("\n".join(floors(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml"))))
