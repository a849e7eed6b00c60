"""Text that is not the article, on small hand-written pages: calls to action in the
languages of our sources, contributor notes, teaser labels; and the article text they sit
next to, which stays."""

from __future__ import annotations

import lxml.html
import pytest

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.headings import page_headlines
from ainews.scraper.extraction.paragraphs import drop_headline, drop_labels, drop_teasers
from ainews.scraper.extraction.prune import boilerplate_name

URL = "https://www.harbour-post.example/2026/05/12/ferry-timetable"
TITLE = "The island ferry keeps its winter timetable until the end of May"
TEXT = [
    "The ferry to the island will keep its winter timetable until the end of May, the "
    "operator said on Tuesday, because one of its two boats is still in the shipyard.",
    "Islanders had asked for the summer crossings to start earlier this year, as the "
    "first visitors arrive in April and the morning boat is often full by seven.",
    "The operator said the repaired boat would be back in service on the first of June "
    "and that extra crossings would be added on weekends from then on.",
]


def _page(trailer: str, before: str = "") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in TEXT)
    return (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"{before}{paras}{trailer}</article></body></html>").encode()


@pytest.mark.parametrize("line", [
    "Got a story? Get in touch with our news team by emailing us at news@example.com.",
    "For more stories like this, check our news page.",
    "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
    "Aktuelle Meldungen zur Lage finden Sie jederzeit in unserem Liveblog:",
    "Følg oss på Facebook og Instagram for flere nyheter.",
    "Obserwuj nas w mediach społecznościowych.",
    "Sledujte nás na sociálních sítích.",
    "Suscríbete a nuestro boletín y recibe las noticias cada mañana.",
    "You must confirm your public display name before commenting",
    "This is a breaking news story - more to follow",
    "Our Standards: The Harbour Post Trust Principles.",
    "Haberler abonelere sunulmaktadır. Abonelik için lütfen iletişime geçiniz.",
    "We’d like to hear what you think about this article. Here's our email: "
    "letters@example.com.",
    "Reach the reporter on Twitter at http://twitter.com/janeroe",
    "jane.roe@harbour-post.example",
])
def test_trailing_call_to_action_is_dropped(line):
    assert extract(_page(f"<p>{line}</p>"), URL).body.split("\n\n") == TEXT


@pytest.mark.parametrize("line", [
    "Associated Press writer Jane Roe in Paris contributed to this report.",
    "Additional reporting by John Doe",
    "With files from The Canadian Press",
    "Reporting by Ann Lee; additional reporting by Bo Chan; Editing by Cy Dunn",
])
def test_trailing_contributor_note_is_dropped(line):
    assert extract(_page(f"<p>{line}</p>"), URL).body.split("\n\n") == TEXT


def test_wire_reporting_credit_alone_is_kept():
    """"Reporting by X; Editing by Y" alone: pages show it as article text as often as not."""
    line = "(Reporting by Ann Lee; Editing by Cy Dunn)"
    assert extract(_page(f"<p>{line}</p>"), URL).body.endswith(line)


def test_contributor_words_inside_the_text_stay():
    line = ("Residents contributed to this report on the timetable by answering a survey, "
            "the operator said, and it will be published in June.")
    body = extract(_page("", f"<p>{line}</p>"), URL).body
    assert line in body


def test_pointer_to_a_live_blog_takes_its_teaser_with_it():
    trailer = ("<p>Mehr zur Lage auf den Inseln lesen Sie in unserem Liveblog:</p>"
               "<p>Der Sturm hat die Fähren den ganzen Tag aufgehalten. Aktuelle "
               "Entwicklungen im Liveblog.</p>")
    assert extract(_page(trailer), URL).body.split("\n\n") == TEXT


def test_a_credit_after_the_calls_to_action_stays():
    kept = drop_teasers([*TEXT, "© 2026 Agence France-Presse", "For more stories like this, "
                         "check our news page."])
    assert kept == [*TEXT, "© 2026 Agence France-Presse"]


@pytest.mark.parametrize("label", ["You may also like...", "Most read in world news",
                                   "More Great Example Stories", "Mehr Themen auf example.de:",
                                   "Les også", "Te puede interesar", "Zobacz także"])
def test_teaser_label_and_its_headlines_are_dropped(label):
    teasers = ["Harbour master retires after forty years", "New café opens on the pier"]
    assert drop_teasers([*TEXT[:2], label, *teasers, TEXT[2]]) == TEXT


@pytest.mark.parametrize("cls", ["infobox", "c-infoBox", "story-factbox"])
def test_fact_box_beside_the_text_is_pruned(cls):
    box = (f"<div class='{cls}'><h3>The ferry in numbers</h3><p>Two boats carry about "
           "900 passengers a day in summer and 300 in winter; the crossing takes forty "
           "minutes and the first boat leaves at six.</p></div>")
    page = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"<p>{TEXT[0]}</p>{box}{''.join(f'<p>{p}</p>' for p in TEXT[1:])}</article>"
            "</body></html>").encode()
    assert extract(page, URL).body.split("\n\n") == TEXT


def test_call_to_action_near_the_end_takes_the_promotion_after_it():
    trailer = ("<p>Follow the Harbour Post on Google News to get our news in your feeds.</p>"
               "<p>A 30-year veteran of the harbour beat, Jane has covered ferries since "
               "they ran on coal.</p>"
               "<p>You must confirm your public display name before commenting</p>")
    assert extract(_page(trailer), URL).body.split("\n\n") == TEXT


@pytest.mark.parametrize("line", [
    "Click here to read the operator's letter to the island council.",
    "- Sign up for the ferry's loyalty card for $10 a year",
])
def test_document_link_or_offer_list_near_the_end_does_not_end_the_text(line):
    kept = drop_teasers([*TEXT[:2], line, TEXT[2]])
    assert kept == [*TEXT[:2], line, TEXT[2]]


def test_a_short_text_is_not_cut_at_its_call_to_action():
    cta = "Sign up for the free daily newsletter and start your day with the news."
    assert drop_teasers([TEXT[0], cta, TEXT[1], TEXT[2]]) == [TEXT[0], cta, TEXT[1], TEXT[2]]


@pytest.mark.parametrize("line", [
    "Link zum YouTube-Inhalt",
    "An dieser Stelle finden Sie einen von unseren Redakteuren ausgewählten, externen "
    "Inhalt, der den Artikel ergänzt. Sie können ihn sich mit einem Klick anzeigen lassen.",
    "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird.",
    "To view this third-party content you need to accept cookies.",
    "Die Fähre fuhr am Abend wieder. 18.04.2024 | 0:21 min",
])
def test_embed_placeholders_video_captions_and_picture_sources_in_the_text_are_dropped(line):
    page = _page("", "").replace(f"<p>{TEXT[1]}</p>".encode(),
                                 f"<p>{line}</p><p>{TEXT[1]}</p>".encode())
    assert extract(page, URL).body.split("\n\n") == TEXT


def test_source_line_at_the_end_stays_the_articles_credit():
    article = extract(_page("<p>Quelle: Harbour Agency</p>"), URL)
    assert article.source_credit == "Harbour Agency"
    assert article.body.split("\n\n") == TEXT


def test_article_sentence_about_external_content_stays():
    line = ("The operator said external content providers had built the new timetable app, "
            "which the council will load onto its website in June.")
    assert extract(_page("", f"<p>{line}</p>"), URL).body.split("\n\n")[0] == line


def test_source_label_of_a_picture_within_the_text_is_dropped():
    more = [f"{p} The council will discuss it again in June." for p in TEXT]
    paras = "".join(f"<p>{p}</p>" for p in [TEXT[0], "Quelle: AFP", *TEXT[1:], *more])
    page = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"{paras}</article></body></html>").encode()
    assert extract(page, URL).body.split("\n\n") == [*TEXT, *more]


@pytest.mark.parametrize("line", ["Tempo de leitura: 2 minutos", "5 min read",
                                  "Updated at 1:23 p.m.", "Aktualisiert am 3. Mai 2026"])
def test_reading_time_and_update_stamps_are_dropped(line):
    assert drop_labels([TEXT[0], line, *TEXT[1:]], []) == TEXT


def test_sentence_about_an_update_stays():
    line = "Updated timetables will be posted at the harbour from Monday, the operator said."
    assert drop_labels([line, *TEXT], []) == [line, *TEXT]


def test_displayed_headline_that_differs_from_the_title_is_dropped_near_the_top():
    tree = lxml.html.fromstring(
        "<html><head><title>Ferry timetable: winter hours stay</title></head><body>"
        "<h1><span>Harbour</span> The island ferry keeps its winter hours</h1></body></html>")
    headlines = page_headlines(tree)
    assert headlines == ("Harbour The island ferry keeps its winter hours",)
    kept = drop_headline([headlines[0], *TEXT], "Ferry timetable: winter hours stay", headlines)
    assert kept == TEXT


def test_displayed_headline_words_further_down_stay():
    line = "Nairobi von unten"
    paras = [*TEXT, "More text about the harbour follows here.", line]
    assert drop_headline(paras, "Another title", (line,)) == paras


def test_italic_caption_under_a_picture_is_dropped_an_italic_quote_stays():
    quote = ("<p><em>“We will keep both boats running as long as the weather allows,” the "
             "captain wrote to the islanders in a letter on Monday.</em></p>")
    page = (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"<p>{TEXT[0]}</p><figure><img src='/ferry.jpg'></figure>"
            "<p><em>The ferry leaves the island harbour (R)</em></p>"
            f"<p>{TEXT[1]}</p>{quote}<p>{TEXT[2]}</p></article></body></html>").encode()
    body = extract(page, URL).body
    assert "ferry leaves the island harbour" not in body
    assert "We will keep both boats running" in body


def test_article_paragraph_about_a_newsletter_near_the_end_does_not_end_the_text():
    line = ("The operator will also send a weekly newsletter to islanders with the crossings "
            "of the coming days, a service the council asked for after the storms in March.")
    kept = drop_teasers([*TEXT[:2], line, TEXT[2]])
    assert kept == [*TEXT[:2], line, TEXT[2]]


def _boxed_page(box: str, after: str = "") -> bytes:
    return (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"<div class='story'><p>{TEXT[0]}</p>{box}<p>{TEXT[1]}</p>{after}"
            f"<p>{TEXT[2]}</p></div></article></body></html>").encode()


CAPTION = ("Pictured from left are the captain, the operator's manager and two islanders at "
           "the harbour on Tuesday.")


@pytest.mark.parametrize("box", [
    # a picture widget: the picture, its caption, its credit, no class that says so
    f"<div class='image'><span><picture><img src='/f.jpg'></picture></span>"
    f"<p><span>{CAPTION}</span></p><p>Image: Jane Doe</p></div>",
    # the caption one level down, in a box beside the picture's own box
    f"<div class='pic'><div class='media'><picture><img src='/f.jpg'></picture></div>"
    f"<div class='info'><p>{CAPTION}</p></div></div>",
])
def test_the_only_text_of_a_picture_box_is_its_caption(box):
    body = extract(_boxed_page(box), URL).body
    assert "Pictured from left" not in body
    assert all(p in body for p in TEXT)


def test_a_quote_with_a_photo_and_a_caption_repeating_the_text_stay():
    quote = ("“The crossing was smooth and the crew were friendly, we will come back in "
             "the summer with the children.”")
    review = f"<blockquote><p><img src='/r.jpg'></p><p>{quote}</p></blockquote>"
    # the picture's caption repeats a paragraph of the text: that paragraph stays
    repeated = (f"<div class='pic'><div><img src='/f.jpg'></div><p>{TEXT[2]}</p></div>")
    body = extract(_boxed_page(review, after=repeated), URL).body
    assert "The crossing was smooth" in body
    assert TEXT[2] in body


def test_a_list_of_links_to_other_articles_is_dropped_a_list_of_points_stays():
    links = ("<ul>"
             "<li>The series so far: <a href='/a'>Night buses</a> | <a href='/b'>Tram line</a></li>"
             "<li>Documents: <a href='/c'>The budget</a> | <a href='/d'>The vote</a></li>"
             "<li>Profiles: <a href='/e'>The mayor</a> | <a href='/f'>The captain</a></li>"
             "</ul>")
    points = ("<ul><li>Crossings stay at six a day until the end of May.</li>"
              "<li>The repaired boat returns on the first of June, says "
              "<a href='/op'>the operator</a>.</li>"
              "<li>Extra weekend crossings start in the same week.</li></ul>")
    body = extract(_boxed_page(points, after=links), URL).body
    assert "The series so far" not in body and "Night buses" not in body
    assert "Crossings stay at six a day" in body and "the operator" in body
    assert all(p in body for p in TEXT)


QUOTED = ("“We will keep both boats running as long as the weather allows,” the captain "
          "said, adding that the crew had worked through the night on the engine.")


@pytest.mark.parametrize("cls", ["Pullquote Pullquote--right", "stylized pull-right"])
def test_a_pull_quote_repeating_a_sentence_of_the_text_is_dropped(cls):
    pull = (f"<blockquote class='{cls}'><div>“We will keep both boats running as long as "
            "the weather allows”</div></blockquote>")
    body = extract(_boxed_page(pull, after=f"<p>{QUOTED}</p>"), URL).body
    assert body.count("keep both boats running") == 1
    assert QUOTED in body


def test_a_plain_blockquote_and_a_pull_quote_said_once_stay():
    plain = ("<blockquote><p>“We will keep both boats running as long as the weather "
             "allows”</p></blockquote>")
    once = ("<blockquote class='pullquote'><p>“The island cannot wait another summer for "
            "its second boat”</p></blockquote>")
    body = extract(_boxed_page(plain + once, after=f"<p>{QUOTED}</p>"), URL).body
    assert body.count("keep both boats running") == 2
    assert "The island cannot wait another summer" in body


def test_a_closing_offer_of_daily_news_is_dropped():
    line = "Get real-time updates and timetable news on the island ferry."
    assert drop_teasers([*TEXT, line]) == TEXT


def test_a_camel_case_class_name_is_read_as_its_words():
    assert boilerplate_name("c-inlineSignup")
    assert boilerplate_name("shareModal")
    assert not boilerplate_name("articleBody")
    signup = ("<div class='c-inlineSignup'><h2>Get daily island news</h2><p>The ferry news of "
              "the week in your inbox every Friday morning.</p></div>")
    body = extract(_boxed_page(signup), URL).body
    assert "Get daily island news" not in body and "in your inbox" not in body
    assert all(p in body for p in TEXT)
