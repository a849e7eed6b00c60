"""The project installs under one import name, ``ainews``: its folders scraper/, dedupe/ and
exports/ are ``ainews.scraper`` ..., so it works beside PyPI packages named ``dedupe`` (the
entity-resolution library), ``scraper`` or ``exports``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.cli_helpers import REPO

TOP_LEVEL = ("scraper", "dedupe", "exports")

# Run in a subprocess whose sys.path starts with impostor top-level packages of those names.
PROBE = """
import importlib, json, sqlite3, sys
from ainews.dedupe import Deduplicator, Doc, SQLiteIndex
from ainews.dedupe.corpus import dedupe_jsonl
import ainews.exports.export
import ainews.scraper.settings

story = ("The lab released an open-weights model with a long context window and published "
         "its training data card, its evaluation results and the licence terms today. ") * 4
dd = Deduplicator(SQLiteIndex(sqlite3.connect(":memory:")))
dd.add(Doc(id="a", text=story, url="https://one.example/a", published_at="2026-03-01"))
dd.add(Doc(id="b", text=story, url="https://two.example/b", published_at="2026-03-02"))
impostors = {name: getattr(importlib.import_module(name), "IMPOSTOR", False)
             for name in ("scraper", "dedupe", "exports")}
summary = dedupe_jsonl(sys.argv[1], sys.argv[2])
same = dd.assignment("b").cluster_id == dd.assignment("a").cluster_id == "a"
print(json.dumps({"impostors": impostors, "same": same,
                  "documents": summary.documents, "clusters": summary.clusters}))
"""


def test_package_list_names_every_package_folder() -> None:
    """pyproject.toml lists packages one by one (package-dir cannot find them): a folder
    with an ``__init__.py`` missing from the list would be missing from the wheel."""
    tool = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    setuptools = tool["setuptools"]
    assert setuptools["package-dir"] == {f"ainews.{top}": top for top in TOP_LEVEL}
    folders = {
        ".".join(("ainews", *init.parent.relative_to(REPO).parts))
        for top in TOP_LEVEL
        for init in (REPO / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert sorted(setuptools["packages"]) == sorted(folders)


def test_runs_beside_top_level_packages_of_the_same_names(tmp_path: Path) -> None:
    impostors = tmp_path / "impostors"
    for name in TOP_LEVEL:
        (impostors / name).mkdir(parents=True)
        (impostors / name / "__init__.py").write_text("IMPOSTOR = True\n", encoding="utf-8")
    story = "Researchers published a new benchmark for long-context retrieval this week. " * 6
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": i, "text": text}) + "\n"
        for i, text in (("x", story), ("y", story), ("z", "A different story about chips."))
    ), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(impostors)}

    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus), str(tmp_path / "out.jsonl")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    result = json.loads(probe.stdout)
    # The impostors are what ``import dedupe`` etc. give, and ainews never used them.
    assert result == {"impostors": dict.fromkeys(TOP_LEVEL, True), "same": True,
                      "documents": 3, "clusters": 2}

    cli = subprocess.run(
        [sys.executable, "-m", "ainews.scraper.cli", "dedupe", str(corpus),
         "--out", str(tmp_path / "cli.jsonl")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert cli.returncode == 0, cli.stderr[-3000:]
    rows = [json.loads(line) for line in (tmp_path / "cli.jsonl").read_text().splitlines()]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] != rows[2]["cluster_id"]


def test_scrapy_cfg_names_the_settings_module() -> None:
    """``scrapy crawl news`` from the checkout (README) finds the project through scrapy.cfg."""
    run = subprocess.run([sys.executable, "-m", "scrapy", "list"], capture_output=True,
                         text=True, cwd=REPO, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["news"]
