"""The CLI is a thin layer: every command documents itself with an example."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from scraper.cli import main
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
