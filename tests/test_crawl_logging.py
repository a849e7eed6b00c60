"""The crawl's rotating log files: each record formatted once, the lines and rotation of
Python's own ``RotatingFileHandler``."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from ainews.scraper.crawl import RotatingLog, configure_logging


class CountingFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.calls = 0

    def format(self, record: logging.LogRecord) -> str:
        self.calls += 1
        return super().format(record)


def write(handler: logging.Handler, messages: list[str]) -> None:
    for n, message in enumerate(messages):
        handler.handle(logging.makeLogRecord(
            {"name": "ainews.test", "levelno": logging.INFO, "levelname": "INFO",
             "msg": "%d %s", "args": (n, message)}))
    handler.close()


#: Lines of many lengths, some not ASCII (the size is counted in characters, as Python's).
MESSAGES = [("caf\u00e9 \u65e5\u672c " if n % 3 else "page ") * (n % 17) for n in range(400)]


def test_each_record_is_formatted_once(tmp_path: Path) -> None:
    handler = RotatingLog(tmp_path / "a.log", maxBytes=500, backupCount=2, encoding="utf-8")
    handler.setFormatter(formatter := CountingFormatter())
    write(handler, MESSAGES[:50])
    assert (tmp_path / "a.log.1").exists()  # it did rotate
    assert formatter.calls == 50  # Python's handler: 100


def test_same_lines_and_rotation_as_pythons_handler(tmp_path: Path) -> None:
    for name, kind in (("ours", RotatingLog), ("python", logging.handlers.RotatingFileHandler)):
        (tmp_path / name).mkdir()
        handler = kind(tmp_path / name / "a.log", maxBytes=700, backupCount=3, encoding="utf-8")
        handler.setFormatter(CountingFormatter())
        write(handler, MESSAGES)
    files = sorted(p.name for p in (tmp_path / "python").iterdir())
    assert files == ["a.log", "a.log.1", "a.log.2", "a.log.3"]
    assert sorted(p.name for p in (tmp_path / "ours").iterdir()) == files
    for file in files:
        assert (tmp_path / "ours" / file).read_bytes() == (tmp_path / "python" / file).read_bytes()


def test_the_crawl_logs_through_it(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        configure_logging(tmp_path / "logs" / "ainews.log", verbose=False)
        files = [h for h in root.handlers
                 if isinstance(h, logging.FileHandler) and h not in before]
        assert sorted(Path(h.baseFilename).name for h in files) == ["ainews.log", "runs.log"]
        assert all(isinstance(h, RotatingLog) for h in files)
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
