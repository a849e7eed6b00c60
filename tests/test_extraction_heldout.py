"""The failure classes the held-out check (``benchmarks/heldout.py``) found, each on a small
written page or text: a related-links region named by its last word, labels and notices in
Thai and Japanese, labelled contact lines, a byline of fields, and two charset mistakes
(KOI8-R declared windows-1251, Czech and Hungarian declared windows-1252)."""

from __future__ import annotations

import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.charset import decode_html
from ainews.scraper.extraction.paragraphs import drop_labels, drop_teasers
from ainews.scraper.extraction.prune import boilerplate_name

URL = "https://news.example.org/2026/05/12/council-budget.html"
TITLE = "Council approves the budget for next year's road repairs"
PARAGRAPHS = [
    "The city council approved on Tuesday a budget that doubles the money for road "
    "repairs next year, after a winter that left hundreds of potholes on main streets.",
    "The mayor said the first works would start in March on the ring road, where buses "
    "have had to slow down for months, and would go on until the end of the summer.",
    "Opposition members voted against the plan, saying the money should have gone to the "
    "schools first, but they welcomed the promise of a public list of the streets.",
    "The council will publish that list in January, with the dates of the works and the "
    "detours that drivers and cyclists will have to take while the roads are closed.",
]


def _page(article: str, after: str = "") -> str:
    return (f"<html><head><title>{TITLE}</title></head><body><main><article><h1>{TITLE}</h1>"
            f"{article}</article>{after}</main></body></html>")


@pytest.mark.parametrize(("name", "boilerplate"), [
    ("inline-article-recirc", True), ("single-post-related", True),
    ("live-blog-comment", False), ("has-sidebar-layout", False), ("article-body", False),
    ("story-photo-caption", False), ("very-long-story-about-related-issues", False),
])
def test_region_named_by_its_last_word(name, boilerplate):
    assert boilerplate_name(name) is boilerplate


def test_link_list_region_at_the_end_of_the_article_is_dropped():
    links = "".join(f'<li><span>The city plans for </span><a href="/story-{i}">another '
                    f"story number {i}</a></li>" for i in range(5))
    html = _page("".join(f"<p>{p}</p>" for p in PARAGRAPHS)
                 + f'<div class="inline-article-recirc"><h2>More great reads from us</h2>'
                 f"<ul>{links}</ul></div>")
    body = extract(html, URL).body
    assert PARAGRAPHS[-1] in body
    assert "another story" not in body
    assert "More great reads" not in body


THAI = [
    "คณะกรรมการเมืองอนุมัติงบประมาณซ่อมถนนสำหรับปีหน้าเมื่อวันอังคาร หลังจากฤดูฝนที่ทำให้ถนนหลายสายเสียหาย"
    "และผู้ใช้รถต้องเผชิญกับหลุมบ่อจำนวนมากบนถนนสายหลักของเมืองเป็นเวลาหลายเดือน",
    "นายกเทศมนตรีกล่าวว่างานแรกจะเริ่มในเดือนมีนาคมบนถนนวงแหวน ซึ่งรถโดยสารต้องชะลอความเร็วมาหลายเดือน"
    "และงานจะดำเนินต่อไปจนถึงปลายฤดูร้อนของปีหน้า",
]


def test_thai_related_stories_label_and_its_headlines_are_dropped():
    kept = drop_teasers([*THAI, "เรื่องที่เกี่ยวข้อง", "ถนนวงแหวนปิดซ่อมสามเดือน",
                         "ผู้ใช้รถบ่นเรื่องหลุมบ่อ"])
    assert kept == THAI


JAPANESE = [
    "市議会は火曜日、来年の道路補修の予算を承認した。冬の間に幹線道路に多くの穴ができ、"
    "バスが何か月も減速を強いられていたためで、予算は今年の二倍になる。" * 2,
    "市長によると、最初の工事は三月に環状道路で始まり、夏の終わりまで続く予定だという。" * 2,
]


def test_japanese_paywall_notice_after_the_text_is_dropped():
    notice = "この記事は有料会員限定です。登録すると続きをお読みいただけます。"
    assert drop_teasers([*JAPANESE, notice]) == JAPANESE


def test_japanese_share_label_above_the_text_is_dropped():
    assert drop_teasers(["この記事をシェア", *JAPANESE]) == JAPANESE


def test_labelled_contact_lines_after_the_text_are_dropped():
    kept = drop_teasers([*PARAGRAPHS, "Facebook: https://fb.me/examplenews",
                         "Twitter https://twitter.com/examplenews", "LINE ID = @examplenews"])
    assert kept == PARAGRAPHS


def test_a_sentence_naming_a_handle_stays():
    line = "The mayor answered the critics on Twitter at @examplemayor on Tuesday evening."
    assert drop_teasers([*PARAGRAPHS, line])[-1] == line


def test_byline_of_fields_with_a_date_at_the_top_is_dropped():
    kept = drop_labels(["Jane Doe | Springfield | 12/05/2026", *PARAGRAPHS], authors=[])
    assert kept == PARAGRAPHS


def test_fields_without_a_date_or_further_down_stay():
    line = "Budget | Roads | Schools"
    assert drop_labels([line, *PARAGRAPHS], authors=[])[0] == line
    late = [*PARAGRAPHS, "Jane Doe | Springfield | 12/05/2026"]
    assert drop_labels(late, authors=[]) == late


RUSSIAN = ("Городской совет во вторник утвердил бюджет, который удваивает расходы на ремонт "
           "дорог в следующем году. По словам мэра, первые работы начнутся в марте на "
           "кольцевой дороге, где автобусы месяцами были вынуждены снижать скорость.")
CZECH = ("Městská rada v úterý schválila rozpočet, který příští rok zdvojnásobí peníze na "
         "opravy silnic. Podle starosty začnou první práce v březnu na okruhu, kde autobusy "
         "řadu měsíců musely zpomalovat, a potrvají až do konce léta.")
HUNGARIAN = ("A városi tanács kedden elfogadta a költségvetést, amely jövőre megduplázza az "
             "útjavításra szánt összeget. A polgármester szerint az első munkák márciusban "
             "kezdődnek a körgyűrűn, ahol a buszok hónapokig lassításra kényszerültek.")
FRENCH = ("Le conseil municipal a approuvé mardi un budget qui double l'argent consacré à la "
          "réfection des routes l'an prochain. Selon le maire, les premiers travaux "
          "commenceront en mars sur le périphérique, où les bus ont dû ralentir des mois.")


def _declared(text: str, codec: str, declared: str) -> bytes:
    return (f'<html><head><meta charset="{declared}"><title>Rada</title></head><body>'
            f"<article><p>{text}</p><p>{text}</p></article></body></html>").encode(codec)


@pytest.mark.parametrize(("text", "codec", "declared"), [
    (RUSSIAN, "koi8_r", "windows-1251"),
    (RUSSIAN, "cp1251", "koi8-r"),
    (CZECH, "cp1250", "windows-1252"),
    (CZECH, "cp1250", "iso-8859-1"),
    (CZECH, "iso8859_2", "windows-1252"),
    (HUNGARIAN, "cp1250", "windows-1252"),
])
def test_wrong_declaration_in_the_right_script_is_overruled(text, codec, declared):
    assert text in decode_html(_declared(text, codec, declared))


@pytest.mark.parametrize(("text", "codec", "declared"), [
    (RUSSIAN, "koi8_r", "koi8-r"), (RUSSIAN, "cp1251", "windows-1251"),
    (CZECH, "cp1250", "windows-1250"), (HUNGARIAN, "iso8859_2", "iso-8859-2"),
    (FRENCH, "cp1252", "windows-1252"), (FRENCH, "cp1252", "iso-8859-1"),
])
def test_right_declarations_still_win(text, codec, declared):
    assert text in decode_html(_declared(text, codec, declared))
