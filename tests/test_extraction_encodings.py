"""Decoding multilingual pages served with right, wrong, missing, misplaced and junk
charset declarations (issue 9). The pages are built from known text in fifteen languages
(``benchmarks/encoding_pages.py``); each test asserts the body holds that text exactly.
``python -m benchmarks.encodings`` prints the same set against trafilatura and Scrapy."""

from __future__ import annotations

import codecs

import pytest
from scrapy.http import HtmlResponse

from ainews.scraper.cleaning import clean
from ainews.scraper.extraction import extract
from ainews.scraper.extraction.charset import declared_charsets, decode_html
from ainews.scraper.items import FetchedPage
from benchmarks.encoding_pages import (
    TEXTS,
    URL,
    Case,
    body_right,
    cases,
    header,
    meta_charset,
    normalise,
    page,
)

CASES = cases()
BY_NAME = {case.name: case for case in CASES}


def extracted(case: Case) -> tuple[str, str]:
    article = extract(case.raw, URL, content_type=case.content_type)
    return article.body, article.title


def assert_right(case: Case) -> None:
    body, title = extracted(case)
    assert body_right(body, case.text), (case.name, body[:120])
    assert title == case.text.title, (case.name, title)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_bench_page_decodes_to_its_text(case: Case):
    text = normalise(decode_html(case.raw, case.content_type))
    assert all(normalise(p) in text for p in case.text.paragraphs), text[-400:]
    assert f"<title>{case.text.title}</title>" in text


#: One page of each class and script through the whole of extract(): body and title.
EXTRACTED = [BY_NAME[name] for name in (
    "ru/cp1251/header-latin1", "uk/koi8_u/undeclared", "el/cp1253/meta-cp1252",
    "ar/cp1256/header-utf8", "he/iso8859_8/header-latin1-meta-right", "th/cp874/undeclared",
    "zh/gbk/header-latin1", "zh-Hant/big5/undeclared", "ja/shift_jis/meta-cp1252",
    "ja/euc_jp/header-utf8", "ko/cp949/header-latin1", "tr/cp1254/header-latin1",
    "pl/iso8859_2/meta-cp1252", "fr/cp1252/undeclared", "de/latin_1/header",
    "hi/utf-8/utf16be-nobom", "vi/utf-8/double-encoded", "ja/iso2022_jp/undeclared",
    "ru/koi8_r/late-meta", "ru/koi8_r/junk-header-cp1251-meta-koi8",
)]


@pytest.mark.parametrize("case", EXTRACTED, ids=[case.name for case in EXTRACTED])
def test_extract_gives_the_known_body_and_title(case: Case):
    assert_right(case)


@pytest.mark.parametrize("name", ["ru/cp1251/header-latin1", "zh/gb2312/header-utf8",
                                  "el/iso8859_7/header-latin1-meta-right",
                                  "ru/utf-8/utf16le-nobom-header"])
def test_crawl_path_cleans_the_bytes_with_the_http_header(name: str):
    """The spider hands the cleaning workers the response's bytes and its Content-Type
    header (not Scrapy's ``response.text``, which w3lib decodes by the wrong header)."""
    case = BY_NAME[name]
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    response = HtmlResponse(URL, body=case.raw, headers=headers)
    content_type = response.headers.get("Content-Type")  # as NewsSpider.parse_article
    page_ = FetchedPage(url=URL, requested_url=URL, site="bench", status=200,
                        content_type=content_type.decode("latin-1") if content_type else None,
                        body=response.body, fetched_at="2026-12-01T00:00:00Z")
    article = clean(page_)
    assert not isinstance(article, str), article
    assert body_right(article.body, case.text) and article.title == case.text.title
    assert not body_right(response.text, case.text)  # why the bytes path is used


def test_cyrillic_declared_latin1_is_detected():
    raw = page(TEXTS["ru"], meta_charset("iso-8859-1")).encode("cp1251")
    body = extract(raw, URL).body
    assert TEXTS["ru"].paragraphs[0] in body and "ïðåäñòàâèëè" not in body


def test_header_and_meta_that_disagree_are_settled_by_the_text():
    raw = page(TEXTS["ru"], meta_charset("koi8-r")).encode("koi8_r")
    body = extract(raw, URL, content_type=header("windows-1251")).body
    assert TEXTS["ru"].paragraphs[1] in body


def test_meta_charset_after_long_inline_scripts_is_honoured():
    script = "<script>" + "var x = 'configuration';\n" * 800 + "</script>"  # 20 KB
    raw = (f"<html><head>{script}{meta_charset('koi8-r')}<title>{TEXTS['ru'].title}</title>"
           f"</head><body><article><p>{TEXTS['ru'].paragraphs[0]}</p></article></body>"
           "</html>").encode("koi8_r")
    assert declared_charsets(raw) == ["koi8-r"]
    assert TEXTS["ru"].paragraphs[0] in extract(raw, URL).body


def test_a_meta_in_the_body_is_no_declaration():
    body_meta = "<p>x</p>" * 600 + meta_charset("koi8-r")
    raw = f"<html><head><title>T</title></head><body>{body_meta}</body></html>".encode()
    assert declared_charsets(raw) == []


@pytest.mark.parametrize("order", ["le", "be"])
def test_utf16_without_bom_is_recognised_by_its_nul_bytes(order: str):
    raw = page(TEXTS["hi"]).encode(f"utf-16-{order}")
    assert TEXTS["hi"].paragraphs[0] in extract(raw, URL).body


def test_a_single_nul_byte_is_not_utf16():
    raw = page(TEXTS["de"]).replace("Straßen", "Stra\x00ßen").encode()
    assert TEXTS["de"].paragraphs[1] in extract(raw, URL).body


def test_bom_wins_over_the_header():
    raw = codecs.BOM_UTF16_BE + page(TEXTS["ko"]).encode("utf-16-be")
    assert TEXTS["ko"].paragraphs[0] in extract(raw, URL, content_type=header("euc-kr")).body


def test_iso_2022_jp_is_not_read_as_ascii():
    raw = page(TEXTS["ja"], meta_charset("iso-2022-jp")).encode("iso2022_jp")
    assert TEXTS["ja"].paragraphs[0] in extract(raw, URL).body


@pytest.mark.parametrize("as_bytes", [True, False])
def test_text_encoded_twice_is_undone(as_bytes: bool):
    html = page(TEXTS["fr"]).encode("utf-8").decode("latin-1")
    body = extract(html.encode() if as_bytes else html, URL).body
    assert TEXTS["fr"].paragraphs[0] in body and "Ã" not in body


def test_real_text_that_looks_double_encoded_is_kept():
    # "é" + no-break space and "ß“" are UTF-8 byte pairs of a double-encoded text, once
    text = "Le café\u00a0» du coin et „die Straß“ bleiben, même à Noël."
    raw = page(TEXTS["fr"]).replace("</article>", f"<p>{text}</p></article>").encode()
    assert text in decode_html(raw)


def test_latin_page_with_french_typography_keeps_windows_1252():
    french = ("« L’été à Paris », a-t-il dit\u00a0: c’est déjà l’œuvre d’un "
              "réalisateur… ") * 6
    raw = page(TEXTS["fr"]).replace("</article>", f"<p>{french}</p></article>")
    decoded = decode_html(raw.encode("cp1252"), header("windows-1252"))
    assert french.strip() in decoded and TEXTS["fr"].paragraphs[0] in decoded


def test_latin_text_declared_cyrillic_is_detected():
    raw = page(TEXTS["fr"], meta_charset("windows-1251")).encode("cp1252")
    assert TEXTS["fr"].paragraphs[0] in extract(raw, URL).body


@pytest.mark.parametrize("label", ["idna", "undefined", "punycode", "unicode_escape",
                                   "rot13", "utf-7", "none", "x-foo", '"', ";", "utf-16"])
def test_charset_names_that_are_no_web_charset_never_raise(label: str):
    raw = page(TEXTS["ru"], meta_charset(label)).encode("cp1251")
    body = extract(raw, URL, content_type=f"text/html; charset={label}").body
    assert TEXTS["ru"].paragraphs[0] in body


def test_a_label_w3lib_does_not_know_falls_back_to_detection():
    raw = page(TEXTS["ja"], meta_charset("x-euc-jp")).encode("euc_jp")
    assert declared_charsets(raw) == []
    assert TEXTS["ja"].paragraphs[1] in extract(raw, URL).body


def test_latin_page_with_no_break_space_runs_and_catalan_dots_keeps_its_charset():
    catalan = ("La col·lecció del museu s’ha traslladat a l’edifici nou, però "
               "l’exposició il·lustrada continua oberta.\u00a0\u00a0\u00a0 ") * 4
    raw = page(TEXTS["fr"]).replace("</article>", f"<p>{catalan}</p></article>")
    decoded = decode_html(raw.encode("cp1252"), header("iso-8859-1"))
    assert normalise(catalan) in normalise(decoded)


def test_english_page_with_punctuation_in_a_cyrillic_charset_keeps_its_declaration():
    # quotes and dashes sit alone in any windows code page; only letters tell the script
    english = ("The minister said “the talks went well” — and the ruble rose. " * 8
               + "Menu: РУС | ENG")
    raw = page(TEXTS["de"]).replace("</article>", f"<p>{english}</p></article>")
    decoded = decode_html(raw.encode("cp1251", "xmlcharrefreplace"), header("windows-1251"))
    assert "Menu: РУС | ENG" in decoded and "“the talks went well” —" in decoded


def test_undeclared_english_page_with_a_pound_sign_is_windows_1252():
    text = "The book costs £40\u00a0or 49.95 euros in shops, the publisher said. " * 3
    raw = page(TEXTS["de"]).replace("</article>", f"<p>{text}</p></article>")
    assert text.strip() in decode_html(raw.encode("cp1252"))


@pytest.mark.parametrize("raw", [b"\x00\x01\x02\xff\xfe" * 50, b"\x89PNG\r\n\x1a\n" + bytes(500)])
def test_binary_bytes_are_not_read_as_a_legacy_charset(raw: bytes):
    assert "\ufffd" in decode_html(raw)


def test_text_after_a_head_longer_than_the_sample_is_judged():
    script = "<script>" + "var x = 'configuration';\n" * 12_000 + "</script>"  # 300 KB
    raw = page(TEXTS["ru"], script).encode("cp1251")
    assert len(raw) > 262_144
    assert TEXTS["ru"].paragraphs[0] in decode_html(raw, header("iso-8859-1"))
