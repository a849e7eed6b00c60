"""Article body extraction on small real-looking pages written here."""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.body import dedupe_paragraphs, extract_body, split_credit
from ainews.scraper.extraction.metadata import Metadata

URL = "https://news.example.com/2026/03/30/qwen-lead-exit"
TITLE = "Alibaba Qwen Leadership Exit Signals Strategic AI Reset"
DEK = ("The tech lead behind Alibaba's Qwen large language model project departed after "
       "overseeing a major rollout of AI capabilities across the company's cloud.")
PARAGRAPHS = [
    "A significant leadership change has unfolded at Alibaba Group as the technical head of "
    "its Qwen AI initiative stepped down following an aggressive expansion of the company's "
    "artificial intelligence push, with implications for investors and regulators.",
    "The leadership transition follows months of intensified AI product releases, enterprise "
    "integrations, and open-source model launches. Alibaba has positioned Qwen as a core "
    "driver of growth within its cloud division, targeting enterprise clients across Asia.",
    "The departure comes amid heightened competition in China's AI sector and increasing "
    "geopolitical pressure affecting semiconductor access, cloud infrastructure, and model "
    "training capabilities, analysts said on Monday in a series of notes to clients.",
    "Market observers note that Qwen's progress has strengthened Alibaba Cloud's positioning "
    "domestically, but monetization and international expansion remain key challenges for "
    "the company as global peers report tangible returns from AI integration.",
    "For businesses, the leadership exit may prompt short-term uncertainty but could also "
    "signal strategic streamlining. Enterprise customers relying on Alibaba's AI stack will "
    "watch closely for continuity in roadmap execution and model upgrades.",
]


def _article_block(cls: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f'<div class="{cls}"><h1>{TITLE}</h1><p class="article-dek">{DEK}</p>'
            f"<div class=\"date\">March 30, 2026</div>{paras}"
            "<p>Source: TechCrunch</p><p>Date: March 3, 2026</p></div>")


BOILERPLATE = {
    "tool card": "Neuron AI is an AI-driven content optimization platform",
    "newsletter": "Join 80,000+ AI enthusiasts getting weekly updates",
    "similar posts": "AlpineAI has successfully closed a double-digit million seed round",
    "comments": "Great article, thanks for sharing this with everyone here",
    "share bar": "Share on Twitter",
}

AGGREGATOR_PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{TITLE}</title><meta property="og:title" content="{TITLE}">
<meta name="description" content="{DEK}"></head><body>
<nav class="navbar"><a href="/">Home</a> <a href="/news">News</a> <a href="/tools">Tools</a></nav>
<main>
{_article_block("article-desktop")}
<div class="share-bar"><a href="#">{BOILERPLATE["share bar"]}</a>
<a href="#">Share on LinkedIn</a></div>
<div class="featured-tools"><div class="tool-card"><h3>Neuron AI</h3><p>Free</p>
<p>{BOILERPLATE["tool card"]} that helps creators produce SEO-friendly content.</p>
<a href="/tools/neuron">Learn more</a></div></div>
<div class="newsletter-signup"><h3>Learn more about future of AI</h3>
<p>{BOILERPLATE["newsletter"]} on exciting AI tools.</p>
<form><input type="email" name="email"><button>Subscribe</button></form></div>
{_article_block("article-mobile")}
<section class="similar-blogs"><h2>Similar Blogs</h2><div class="post-card">
<p>{BOILERPLATE["similar posts"]} aimed at accelerating sovereign AI.</p>
<a href="/alpine">Read more</a></div></section>
<section id="comments" class="comments-area"><h2>3 comments</h2>
<div class="comment"><p>{BOILERPLATE["comments"]}, I learned a lot today.</p></div></section>
</main><footer class="site-footer"><p>Copyright 2026 Example Media. All rights reserved.</p>
</footer></body></html>"""


@pytest.fixture(scope="module")
def aggregator():
    return extract(AGGREGATOR_PAGE.encode("utf-8"), URL)


def test_doubled_body_appears_once(aggregator):
    for para in PARAGRAPHS:
        assert aggregator.body.count(para) == 1


@pytest.mark.parametrize("kind", sorted(BOILERPLATE))
def test_boilerplate_is_absent(aggregator, kind):
    assert BOILERPLATE[kind] not in aggregator.full_text


def test_standfirst_inside_the_text_is_the_lede_and_stays_in_body(aggregator):
    assert aggregator.lede == DEK
    assert aggregator.body.startswith(DEK + "\n\n" + PARAGRAPHS[0])


def test_source_credit_is_captured_and_removed(aggregator):
    assert aggregator.source_credit == "TechCrunch"
    assert "Source:" not in aggregator.body
    assert "March 3, 2026" not in aggregator.body


def test_paragraphs_are_separated_by_one_blank_line(aggregator):
    assert aggregator.body.split("\n\n")[1:3] == PARAGRAPHS[:2]


def test_extract_body_does_not_modify_the_tree():
    tree = lxml.html.document_fromstring(AGGREGATOR_PAGE)
    before = lxml.html.tostring(tree)
    extract_body(tree, URL, Metadata(title=TITLE, description=DEK))
    assert lxml.html.tostring(tree) == before


def _simple_page(text: str, charset: str) -> str:
    paras = "".join(f"<p>{text} Paragraph {i} of the story.</p>" for i in range(6))
    return (f'<html><head><meta charset="{charset}"><title>T</title></head>'
            f"<body><article>{paras}</article></body></html>")


@pytest.mark.parametrize(("charset", "text"), [
    ("windows-1252", "Café owners in Zürich said the naïve “smart” menus failed—again."),
    ("shift_jis", "東京の研究者は新しい言語モデルを発表した。日本語の文章を正確に理解できる。"),
])
def test_non_utf8_bytes_decode(charset, text):
    article = extract(_simple_page(text, charset).encode(charset), URL)
    assert text in article.body


@pytest.mark.parametrize("raw", [b"", b"   ", b"\x00\x01\x02\xff\xfe" * 50,
                                 b"<<<>>>&&&;;</p></div>", b"<html><body></body></html>",
                                 bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + bytes(500)])
def test_empty_or_garbage_input_gives_empty_body(raw):
    article = extract(raw, URL)
    assert article.body == ""
    assert article.lede is None


def test_repeated_short_lines_of_real_lists_are_kept():
    plan = ["Meal 1", "Eat every 2-3 hours", "1 cup rice, 2 eggs"]
    prose = " ".join(["This meal plan explains what to eat before and after each workout."] * 6)
    paragraphs = [prose, "Plan A", *plan, "Plan B", *plan, prose.replace("This", "That")]
    assert dedupe_paragraphs(paragraphs) == paragraphs


def test_credit_mid_article_is_not_a_credit():
    paragraphs = ["Source: a person familiar with the talks.", "More text.", "A", "B", "C"]
    assert split_credit(paragraphs) == (paragraphs, None)


@pytest.mark.parametrize(("line", "name"), [
    ("Source: TechCrunch", "TechCrunch"),
    ("Via The Verge", "The Verge"),
    ("Originally published at Wired.", "Wired"),
    ("This article was originally published by Reuters", None),
])
def test_credit_forms(line, name):
    _, credit = split_credit(["Body text of the article.", line])
    assert credit == name


def _page_with_header(dek_class: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>{TITLE}</title></head><body><article>"
            f'<header><h1>{TITLE}</h1><p class="{dek_class}">{DEK}</p></header>'
            f'<div class="article-body">{paras}</div></article></body></html>')


def test_standfirst_in_the_header_becomes_the_lede():
    article = extract(_page_with_header("article__dek").encode("utf-8"), URL)
    assert article.lede == DEK
    assert article.full_text.startswith(DEK)
    assert article.body.startswith(PARAGRAPHS[0])  # shown outside the text: not in body


def test_unmarked_block_under_the_headline_is_not_a_lede():
    article = extract(_page_with_header("c-text").encode("utf-8"), URL)
    assert DEK not in (article.lede or "")


def test_paywall_marked_paragraphs_are_article_text():
    paras = "".join(f'<p class="paywall" aria-hidden="true">{p}</p>' for p in PARAGRAPHS)
    html = f"<html><body><article><h1>{TITLE}</h1>{paras}</article></body></html>"
    assert extract(html.encode("utf-8"), URL).body.count("\n\n") == len(PARAGRAPHS) - 1


@pytest.mark.parametrize(("line", "name"), [
    ("This story originally appeared on The Frontier Ledger and is republished with "
     "permission.", "The Frontier Ledger"),
    ("Source: Russian Defense Ministry, October 25, 2019", "Russian Defense Ministry"),
    ("Source: a person familiar with the talks who asked not to be named because the "
     "negotiations are private.", None),
])
def test_credit_name_stops_before_trailing_clauses(line, name):
    from ainews.scraper.extraction.credit import parse_credit

    assert parse_credit(line) == name


def test_first_paragraph_equal_to_the_description_stays_in_body():
    """Sites generate the meta description from the first paragraph: it is the lede and
    still the body's opening, not cut out of it."""
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (f'<html><head><title>{TITLE}</title><meta name="description" '
            f'content="{PARAGRAPHS[0][:120]}..."></head><body><article><h1>{TITLE}</h1>'
            f"{paras}</article></body></html>")
    article = extract(html.encode("utf-8"), URL)
    assert article.lede == PARAGRAPHS[0]
    assert article.body.split("\n\n") == PARAGRAPHS
    assert article.full_text == article.body  # the lede is not shown twice
