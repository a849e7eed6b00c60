"""``ainews report``: one self-contained HTML page; headless Chromium renders it and every
plot has data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ainews.exports.report import PLOTS, write_report
from ainews.scraper.cli import main
from tests.browser import dump_dom, needs_chromium


@pytest.fixture(scope="module")
def report(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(
        main, ["report", "--db", str(demo_db), "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out


def figures(page: str) -> dict[str, int]:
    """Plot name → data points, from the page's ``<figure>`` tags."""
    found = re.findall(r'<figure data-plot="(\w+)" data-points="(\d+)">', page)
    return {name: int(points) for name, points in found}


def test_every_plot_has_data(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    plots = figures(page)
    assert list(plots) == [p.__name__ for p in PLOTS]
    assert all(plots.values()), plots
    assert page.count("<svg") == len(PLOTS)


def test_page_needs_no_internet(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page


def test_empty_database_says_so(tmp_path: Path) -> None:
    from ainews.scraper.storage.store import Store

    with Store(tmp_path / "empty.db", dedupe=False):
        pass
    page = write_report(tmp_path / "empty.db", tmp_path / "r.html").read_text(encoding="utf-8")
    assert set(figures(page).values()) == {0}
    assert "no crawl runs yet" in page


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 2 and "no such database" in result.output


@needs_chromium
def test_browser_renders_every_plot(report: Path, tmp_path: Path) -> None:
    dom = dump_dom(report.as_uri(), tmp_path / "chromium")
    assert "<h1>ainews report: demo.db</h1>" in dom
    for name in figures(report.read_text(encoding="utf-8")):
        figure = re.search(rf'<figure data-plot="{name}".*?</figure>', dom, re.S)
        assert figure, f"{name} not rendered"
        # matplotlib draws each bar, dot and line as a path inside the figure's SVG
        assert figure.group(0).count("<path") > 10, name


def test_database_from_before_history(tmp_path: Path) -> None:
    import sqlite_utils

    from ainews.scraper.storage.schema import MIGRATIONS

    db = sqlite_utils.Database(tmp_path / "old.db")
    for step in MIGRATIONS[: [m.__name__ for m in MIGRATIONS].index("_article_versions")]:
        step(db)
    db.close()
    page = write_report(tmp_path / "old.db", tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<th>articles changed after publication</th><td>0</td>" in page
