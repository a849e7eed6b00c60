"""Trailing lines that belong to the article (credits, republication notes) are not cut as
calls to action; a "Source: X" credit still fills ``source_credit``."""

from __future__ import annotations

from ainews.scraper.extraction import extract
from ainews.scraper.extraction.credit import is_credit_line, own_names
from ainews.scraper.extraction.paragraphs import drop_teasers

URL = "https://www.riverside-times.example/2026/04/02/flood-defences"
TITLE = "Flood defences along the river will be raised by a metre"
PARAGRAPHS = [
    "Engineers will raise the flood walls along the river by a metre over the next two "
    "years, the regional water authority said on Wednesday after a long consultation.",
    "The work follows three winters of flooding in the lower town, where shops on the "
    "quay were closed for weeks and several families had to leave their homes.",
    "Residents welcomed the plan but asked for the footpath along the water to stay open "
    "while the walls are built, which the authority said it would try to arrange.",
]
OWN = own_names(URL, "Riverside Times")


def _page(trailer: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>"
            f"{paras}{trailer}</article></body></html>").encode()


def test_republication_note_is_kept_though_it_asks_to_follow():
    note = ("This story was originally published by the Regional Water Desk. Follow us on "
            "Mastodon for more.")
    assert note in extract(_page(f"<p>{note}</p>"), URL).body


def test_copyright_of_another_party_is_a_credit_the_site_footer_is_not():
    agency = "© 2026 Agence France-Presse"
    footer = "Copyright 2026 Riverside Times. All rights reserved."
    cta = "Sign up for our newsletter"
    assert drop_teasers([*PARAGRAPHS, agency, cta, footer], OWN) == [*PARAGRAPHS, agency]


def test_credit_line_forms():
    assert is_credit_line("First published in The Conversation.", OWN)
    assert is_credit_line("Source: Reuters", OWN)
    assert not is_credit_line("© Riverside Times 2026", OWN)
    assert not is_credit_line("Sign up for our newsletter", OWN)


def test_source_credit_is_still_filled():
    article = extract(_page("<p>Source: Regional Water Desk</p>"), URL)
    assert article.source_credit == "Regional Water Desk"
    assert article.body.endswith(PARAGRAPHS[-1])
