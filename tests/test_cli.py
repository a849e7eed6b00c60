"""The CLI is a thin layer: every command documents itself with an example."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from ainews.scraper.cli import main
from tests.cli_helpers import REPO

COMMANDS = sorted(main.commands)


def test_the_commands_users_expect_exist() -> None:
    assert {"crawl", "demo", "dedupe", "export", "serve", "reprocess"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert main.commands[name].help
    assert "Example: ainews " + name in result.output


def test_bad_override_is_a_config_error(tmp_path) -> None:
    result = CliRunner().invoke(main, ["crawl", "--db", str(tmp_path / "a.db"), "-s", "NOEQUALS"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output


def test_code_is_ruff_clean() -> None:
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:]


def test_dedupe_command_round_trip_and_bad_line(tmp_path) -> None:
    import json

    from tests import demo_expected as expected

    pages = expected.pages()
    docs = [{"id": path, "text": page.body, "published_at": page.published,
             "url": "http://demo.test" + path} for path, page in pages.items()]
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["dedupe", str(corpus), "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert list(rows) == list(pages)
    for group in expected.duplicate_groups():
        assert len({rows[p]["cluster_id"] for p in group}) == 1
    for path, page in pages.items():
        if page.kind == "excerpt":
            assert rows[path]["partial_of"] == rows[page.original]["cluster_id"]

    corpus.write_text(corpus.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    again = tmp_path / "again.jsonl"
    result = CliRunner().invoke(main, ["dedupe", str(corpus), "--out", str(again)])
    assert result.exit_code == 1
    assert f"in.jsonl:{len(docs) + 1}: not valid JSON" in result.output
    assert not again.exists() and not list(tmp_path.glob(".again*"))


def test_sites_command_lists_and_validates(tmp_path) -> None:
    result = CliRunner().invoke(main, ["sites", "--sites", str(REPO / "sites.toml")])
    assert result.exit_code == 0
    assert "techcrunch-ai" in result.output and "feed     https://" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[[site]]\nname = 'x'\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["sites", "--sites", str(bad)])
    assert result.exit_code == 2 and "domains" in result.output
