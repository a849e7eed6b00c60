"""Red team, ``ainews dedupe`` input: a bad line is a one-line error naming the file and
line (exit 1), never a traceback or a half-written --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.dedupe import corpus
from ainews.scraper.cli import main

GOOD = b'{"id": "a", "text": "the model was released on monday by the lab"}\n'


def run(tmp_path: Path, data: bytes, out: Path | None = None) -> tuple[int, str, Path]:
    src = tmp_path / "in.jsonl"
    src.write_bytes(data)
    out = out or tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["dedupe", str(src), "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result.exit_code, result.output, out


@pytest.mark.parametrize(("line", "says"), [
    (b'{"id": "b", "text": "caf\xe9 au lait"}\n', "in.jsonl:2: not UTF-8"),
    (b'{"id": ' + b"9" * 5000 + b', "text": "x"}\n', "in.jsonl:2: not usable JSON"),
    (b'{"id": "b", "text": "x", "title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
     "in.jsonl:2: not usable JSON (nested too deeply)"),
    (b'{"id": "b\\ud800", "text": "x"}\n', "in.jsonl:2: 'id' holds a lone surrogate"),
])
def test_a_bad_line_is_an_error_naming_it(tmp_path: Path, line: bytes, says: str) -> None:
    # Each was a traceback: UnicodeDecodeError, ValueError, RecursionError, and a
    # UnicodeEncodeError while writing --out.
    code, output, out = run(tmp_path, GOOD + line)
    assert code == 1 and says in output, output
    assert not out.exists() and not list(tmp_path.glob(".out.jsonl*"))


def test_a_line_longer_than_the_bound_is_an_error_not_held_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_LINE_BYTES", 1000)
    line = json.dumps({"id": "b", "text": "word " * 1000}).encode() + b"\n"
    code, output, _ = run(tmp_path, GOOD + line)
    assert code == 1 and "in.jsonl:2: line over 1,000 bytes" in output, output


def test_a_byte_order_mark_and_a_lone_surrogate_in_the_text_are_read(tmp_path: Path) -> None:
    second = b'{"id": "b", "text": "the model was released on monday by the lab \\udc00"}\n'
    code, output, out = run(tmp_path, b"\xef\xbb\xbf" + GOOD + second)
    assert code == 0, output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "b"]


def test_an_output_path_that_cannot_be_written_is_exit_2_naming_it(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    code, output, _ = run(tmp_path, GOOD, tmp_path / "file" / "sub" / "out.jsonl")
    assert code == 2 and "file/sub/out.jsonl: cannot write it" in output, output
